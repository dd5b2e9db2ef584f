package io.wattwitness.verify.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Per-device replay state ({@code devices}). Call with the connection of the poll's transaction. */
@ApplicationScoped
public class DeviceStateRepository {

    /**
     * One statement: the missing device rows are inserted (in device-id order; a row inserted by this transaction is
     * held by it until the commit) and the existing ones are locked {@code FOR UPDATE} in device-id order, so that
     * concurrent writers of the same devices wait for each other.
     */
    private static final String LOCK = "WITH created AS (INSERT INTO devices (device_id, installation_id,"
            + " highest_boot) SELECT u.device_id, u.installation_id, 0 FROM UNNEST($1::text[], $2::bigint[])"
            + " AS u(device_id, installation_id) ORDER BY u.device_id ON CONFLICT (device_id) DO NOTHING"
            + " RETURNING device_id), locked AS MATERIALIZED (SELECT device_id FROM devices WHERE device_id = ANY($1::text[])"
            + " ORDER BY device_id FOR UPDATE) SELECT (SELECT count(*) FROM created) + (SELECT count(*) FROM locked)";

    private static final String RAISE = "UPDATE devices d SET highest_boot = v.boot, updated_at = now()"
            + " FROM UNNEST($1::text[], $2::bigint[]) AS v(device_id, boot)"
            + " WHERE d.device_id = v.device_id AND d.highest_boot < v.boot";

    /**
     * Creates missing device rows (highest boot 0) and locks all of them for the transaction.
     *
     * @param connection the transaction's connection
     * @param installations installation id per device id
     * @return completes once every row is held by the transaction
     */
    public Uni<Void> lock(SqlConnection connection, Map<String, Long> installations) {
        if (installations.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(new TreeMap<>(installations).entrySet());
        return connection.preparedQuery(LOCK)
                .execute(Tuple.of(Rows.strings(sorted, Map.Entry::getKey), Rows.longs(sorted, Map.Entry::getValue)))
                .replaceWithVoid();
    }

    /**
     * Raises {@code highest_boot} where the given value is higher (never lowers it).
     *
     * @param connection the transaction's connection
     * @param highestBoots boot per device id
     * @return rows changed
     */
    public Uni<Integer> raiseHighestBoot(SqlConnection connection, Map<String, Long> highestBoots) {
        if (highestBoots.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(new TreeMap<>(highestBoots).entrySet());
        return connection.preparedQuery(RAISE)
                .execute(Tuple.of(Rows.strings(sorted, Map.Entry::getKey), Rows.longs(sorted, Map.Entry::getValue)))
                .map(rows -> rows.rowCount());
    }
}
