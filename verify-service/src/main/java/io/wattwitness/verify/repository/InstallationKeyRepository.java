package io.wattwitness.verify.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Reads registered device keys: {@code installation_keys} (current and retired, with the retirement time) and
 * installations' current keys. Runs outside the poll's transaction, on a pooled connection.
 */
@ApplicationScoped
public class InstallationKeyRepository {

    private static final String FIND = "SELECT k.installation_id, k.device_id, k.public_key, "
            + Rows.TO_MS.formatted("k.retired_at") + " FROM installation_keys k WHERE k.device_id = ANY($1::text[])"
            + " UNION ALL SELECT i.id, i.device_id, i.public_key, CAST(NULL AS bigint) FROM installations i"
            + " WHERE i.device_id = ANY($1::text[])"
            + " AND NOT EXISTS (SELECT 1 FROM installation_keys k2 WHERE k2.device_id = i.device_id)";

    private final Pool pool;

    /** @param pool the reactive PostgreSQL pool */
    public InstallationKeyRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * A registered key as stored.
     *
     * @param installationId owning installation
     * @param deviceId registered device id, 16 lowercase hex
     * @param publicKey X||Y, 128 hex
     * @param retiredAtMs when the key was retired, Unix ms, or null while current
     */
    public record KeyRow(long installationId, String deviceId, String publicKey, Long retiredAtMs) {
    }

    /**
     * @param deviceIds device ids to look up (16 lowercase hex)
     * @return the registered keys among them (a device id missing from the result is not registered)
     */
    public Uni<List<KeyRow>> findRegistered(Collection<String> deviceIds) {
        if (deviceIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return pool.preparedQuery(FIND).execute(Tuple.of(deviceIds.toArray(new String[0]))).map(rows -> {
            List<KeyRow> keys = new ArrayList<>(rows.size());
            for (Row row : rows) {
                keys.add(new KeyRow(row.getLong(0), row.getString(1), row.getString(2), row.getLong(3)));
            }
            return keys;
        });
    }
}
