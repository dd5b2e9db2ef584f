package io.wattwitness.verify.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Reads registered device keys: {@code installation_keys} (current and retired, with the retirement time) and
 * installations' current keys.
 */
@ApplicationScoped
public class InstallationKeyRepository implements PanacheRepository<InstallationKey> {

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
    @WithSession
    public Uni<List<KeyRow>> findRegistered(Collection<String> deviceIds) {
        if (deviceIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        NativeSql sql = new NativeSql();
        StringBuilder in = new StringBuilder();
        for (String deviceId : deviceIds) {
            in.append(in.length() == 0 ? "" : ", ").append(sql.param(deviceId));
        }
        sql.append("SELECT k.installation_id, k.device_id, k.public_key,"
                + " CAST(FLOOR(EXTRACT(EPOCH FROM k.retired_at) * 1000) AS bigint)"
                + " FROM installation_keys k WHERE k.device_id IN (")
                .append(in.toString()).append(") UNION ALL SELECT i.id, i.device_id, i.public_key, CAST(NULL AS bigint) FROM installations i")
                .append(" WHERE i.device_id IN (").append(in.toString()).append(")")
                .append(" AND NOT EXISTS (SELECT 1 FROM installation_keys k2 WHERE k2.device_id = i.device_id)");
        return getSession().chain(session -> sql.<Object[]>query(session).getResultList()).map(rows -> {
            List<KeyRow> keys = new ArrayList<>(rows.size());
            for (Object[] row : rows) {
                keys.add(new KeyRow(NativeSql.toLong(row[0]), (String) row[1], (String) row[2],
                        row[3] == null ? null : NativeSql.toLong(row[3])));
            }
            return keys;
        });
    }
}
