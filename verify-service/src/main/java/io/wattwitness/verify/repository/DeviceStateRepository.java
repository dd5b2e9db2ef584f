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
     * Creates the missing device rows, in device-id order. {@code ON CONFLICT DO NOTHING} waits for another
     * transaction's uncommitted insert of the same device and, once that one commits, skips the row; a row inserted
     * here is held by this transaction until its commit.
     */
    private static final String CREATE = "INSERT INTO devices (device_id, installation_id, highest_boot)"
            + " SELECT u.device_id, u.installation_id, 0 FROM UNNEST($1::text[], $2::bigint[])"
            + " AS u(device_id, installation_id) ORDER BY u.device_id ON CONFLICT (device_id) DO NOTHING";

    /**
     * Locks the device rows {@code FOR UPDATE} in device-id order. A separate statement from {@link #CREATE}: a
     * statement reads one snapshot taken at its start, so a row whose creation {@code CREATE} waited for (committed
     * by another transaction after that start) would be invisible to a locking part of the same statement and stay
     * unlocked; this statement's fresh snapshot sees every row {@code CREATE} left behind.
     */
    private static final String LOCK = "SELECT device_id FROM devices WHERE device_id = ANY($1::text[])"
            + " ORDER BY device_id FOR UPDATE";

    private static final String RAISE = "UPDATE devices d SET highest_boot = v.boot, updated_at = now()"
            + " FROM UNNEST($1::text[], $2::bigint[]) AS v(device_id, boot)"
            + " WHERE d.device_id = v.device_id AND d.highest_boot < v.boot";

    /**
     * Creates missing device rows (highest boot 0) and locks all of them for the transaction, so that concurrent
     * writers of the same devices (two polls around a consumer rebalance, two replicas) run one after the other.
     * Two statements, both in device-id order (no deadlock between writers of overlapping device sets): the insert
     * of the missing rows, then {@code SELECT ... FOR UPDATE} with a fresh snapshot, which also sees the rows another
     * transaction created and committed while the insert waited for it.
     *
     * @param connection the transaction's connection (read committed)
     * @param installations installation id per device id
     * @return the device ids locked, in ascending order; once it completes, every row is held by the transaction
     * @throws IllegalStateException (as a failure) if a device row is missing after the insert (rows are never
     *         deleted)
     */
    public Uni<List<String>> lock(SqlConnection connection, Map<String, Long> installations) {
        if (installations.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(new TreeMap<>(installations).entrySet());
        String[] deviceIds = Rows.strings(sorted, Map.Entry::getKey);
        return connection.preparedQuery(CREATE)
                .execute(Tuple.of(deviceIds, Rows.longs(sorted, Map.Entry::getValue)))
                .chain(() -> connection.preparedQuery(LOCK).execute(Tuple.of(deviceIds)))
                .map(rows -> {
                    List<String> locked = new ArrayList<>(rows.size());
                    rows.forEach(row -> locked.add(row.getString(0)));
                    if (locked.size() != deviceIds.length) {
                        throw new IllegalStateException("locked " + locked.size() + " of " + deviceIds.length
                                + " device rows: a row is missing after its insert");
                    }
                    return locked;
                });
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
