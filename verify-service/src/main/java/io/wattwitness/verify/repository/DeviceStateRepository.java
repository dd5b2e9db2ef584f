package io.wattwitness.verify.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Per-device replay state ({@code devices}). Call inside a transaction. */
@ApplicationScoped
public class DeviceStateRepository implements PanacheRepository<DeviceState> {

    /**
     * Creates missing device rows (highest boot 0) and locks all of them for the transaction, in device-id order
     * so that concurrent batches cannot deadlock.
     *
     * @param installations installation id per device id
     * @return highest boot stored per device id
     */
    public Uni<Map<String, Long>> lock(Map<String, Long> installations) {
        if (installations.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        SortedMap<String, Long> sorted = new TreeMap<>(installations);
        NativeSql insert = new NativeSql().append("INSERT INTO devices (device_id, installation_id, highest_boot) VALUES ");
        NativeSql select = new NativeSql().append("SELECT device_id, highest_boot FROM devices WHERE device_id IN (");
        boolean first = true;
        for (Map.Entry<String, Long> entry : sorted.entrySet()) {
            insert.append(first ? "" : ", ").append("(" + insert.param(entry.getKey()) + ", "
                    + insert.param(entry.getValue()) + ", 0)");
            select.append(first ? "" : ", ").append(select.param(entry.getKey()));
            first = false;
        }
        insert.append(" ON CONFLICT (device_id) DO NOTHING");
        select.append(") ORDER BY device_id FOR UPDATE");
        return getSession().chain(session -> insert.query(session).executeUpdate()
                .chain(() -> select.<Object[]>query(session).getResultList()))
                .map(rows -> {
                    Map<String, Long> highest = new HashMap<>();
                    for (Object[] row : rows) {
                        highest.put((String) row[0], NativeSql.toLong(row[1]));
                    }
                    return highest;
                });
    }

    /**
     * Raises {@code highest_boot} where the given value is higher (never lowers it).
     *
     * @param highestBoots boot per device id
     * @return rows changed
     */
    public Uni<Integer> raiseHighestBoot(Map<String, Long> highestBoots) {
        if (highestBoots.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        NativeSql sql = new NativeSql().append("UPDATE devices d SET highest_boot = v.boot, updated_at = now() FROM (VALUES ");
        boolean first = true;
        for (Map.Entry<String, Long> entry : new TreeMap<>(highestBoots).entrySet()) {
            sql.append(first ? "" : ", ").append("(CAST(" + sql.param(entry.getKey()) + " AS text), CAST("
                    + sql.param(entry.getValue()) + " AS bigint))");
            first = false;
        }
        sql.append(") AS v(device_id, boot) WHERE d.device_id = v.device_id AND d.highest_boot < v.boot");
        return getSession().chain(session -> sql.query(session).executeUpdate());
    }
}
