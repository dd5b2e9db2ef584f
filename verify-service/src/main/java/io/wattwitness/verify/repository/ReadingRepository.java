package io.wattwitness.verify.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;
import io.wattwitness.reading.Hex;
import io.wattwitness.reading.ReadingIdentity;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.reading.ReadingStatus;
import io.wattwitness.verify.service.BatchPlanner;
import io.wattwitness.verify.service.PendingReading;
import io.wattwitness.verify.service.StoredReading;
import io.wattwitness.verify.service.VerifiedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code readings} table, written with multi-row native statements. Call inside a transaction. */
@ApplicationScoped
public class ReadingRepository implements PanacheRepository<Reading> {

    private static final String EVENT_COLUMNS = "id, installation_id, device_id, boot, seq, timestamp_ms, power_mw,"
            + " energy_mwh, flags, status, verification_error, message, signature,"
            + " CAST(EXTRACT(EPOCH FROM received_at) * 1000 AS bigint),"
            + " CAST(EXTRACT(EPOCH FROM verified_at) * 1000 AS bigint)";

    /**
     * @param deviceId device id hex
     * @param boot boot counter
     * @param seq sequence number
     * @return the identity key used in {@link #insert}'s result
     */
    public static String identity(String deviceId, long boot, long seq) {
        return deviceId + "/" + boot + "/" + seq;
    }

    /**
     * Loads, for each identity, the stored reading with that identity and the stored readings nearest before and
     * after it in the device's (boot, seq) order, whatever their boot (three index probes per identity on the
     * {@code readings_identity} index).
     *
     * @param identities identities of the batch
     * @return the stored readings found, without repetitions
     */
    public Uni<List<StoredReading>> findAround(Collection<ReadingIdentity> identities) {
        List<ReadingIdentity> all = new ArrayList<>(identities);
        Uni<Map<Long, StoredReading>> found = Uni.createFrom().item(new LinkedHashMap<>());
        for (List<ReadingIdentity> chunk : NativeSql.chunks(all)) {
            found = found.chain(map -> findAroundChunk(chunk).map(rows -> {
                for (StoredReading row : rows) {
                    map.putIfAbsent(row.id(), row);
                }
                return map;
            }));
        }
        return found.map(map -> new ArrayList<>(map.values()));
    }

    private Uni<List<StoredReading>> findAroundChunk(List<ReadingIdentity> identities) {
        if (identities.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        String columns = "r.id, r.device_id, r.boot, r.seq, r.timestamp_ms, r.energy_mwh, r.flags, r.message,"
                + " r.status, r.verification_error FROM readings r WHERE r.device_id = k.device_id AND ";
        NativeSql sql = new NativeSql().append("SELECT x.* FROM (VALUES ");
        boolean first = true;
        for (ReadingIdentity identity : identities) {
            sql.append(first ? "" : ", ").append("(CAST(" + sql.param(Hex.ofLong(identity.deviceId())) + " AS text), CAST("
                    + sql.param(identity.boot()) + " AS bigint), CAST(" + sql.param(identity.seq()) + " AS bigint))");
            first = false;
        }
        // row comparisons over the whole index key (device_id, boot, seq) are index range conditions
        sql.append(") AS k(device_id, boot, seq) CROSS JOIN LATERAL (")
                .append("(SELECT ").append(columns).append("(r.device_id, r.boot, r.seq) < (k.device_id, k.boot, k.seq)")
                .append(" ORDER BY r.device_id DESC, r.boot DESC, r.seq DESC LIMIT 1)")
                .append(" UNION ALL (SELECT ").append(columns).append("r.boot = k.boot AND r.seq = k.seq)")
                .append(" UNION ALL (SELECT ").append(columns).append("(r.device_id, r.boot, r.seq) > (k.device_id, k.boot, k.seq)")
                .append(" ORDER BY r.device_id, r.boot, r.seq LIMIT 1)")
                .append(") AS x");
        return getSession().chain(session -> sql.<Object[]>query(session).getResultList()).map(rows -> {
            List<StoredReading> stored = new ArrayList<>(rows.size());
            for (Object[] row : rows) {
                stored.add(new StoredReading(NativeSql.toLong(row[0]), (String) row[1], NativeSql.toLong(row[2]),
                        NativeSql.toLong(row[3]), NativeSql.toLong(row[4]), NativeSql.toLong(row[5]),
                        NativeSql.toInt(row[6]), NativeSql.toBytes(row[7]), (String) row[8], (String) row[9]));
            }
            return stored;
        });
    }

    /**
     * Inserts readings; an identity that already exists is skipped ({@code ON CONFLICT DO NOTHING}).
     *
     * @param readings rows to insert
     * @param verifiedAtMs verification time, Unix ms
     * @return the new row id per {@link #identity} (identities skipped are absent)
     */
    public Uni<Map<String, Long>> insert(List<PendingReading> readings, long verifiedAtMs) {
        Uni<Map<String, Long>> ids = Uni.createFrom().item(new HashMap<>());
        for (List<PendingReading> chunk : NativeSql.chunks(readings)) {
            ids = ids.chain(map -> insertChunk(chunk, verifiedAtMs).map(more -> {
                map.putAll(more);
                return map;
            }));
        }
        return ids;
    }

    private Uni<Map<String, Long>> insertChunk(List<PendingReading> readings, long verifiedAtMs) {
        NativeSql sql = new NativeSql().append("INSERT INTO readings (installation_id, device_id, meter_id, boot, seq,"
                + " timestamp_ms, reading_time, power_mw, energy_mwh, power_w, total_wh, flags, message, signature,"
                + " status, is_verified, verification_error, late, received_at, verified_at) VALUES ");
        boolean first = true;
        for (PendingReading reading : readings) {
            ReadingMessage message = reading.candidate().message();
            sql.append(first ? "(" : ", (")
                    .append(sql.param(reading.candidate().installationId())).append(", ")
                    .append(sql.param(message.deviceIdHex())).append(", ")
                    .append(sql.param(message.meterIdHex())).append(", ")
                    .append(sql.param(message.boot())).append(", ")
                    .append(sql.param(message.seq())).append(", ")
                    .append(sql.param(message.timestampMs())).append(", ")
                    .append(sql.timestamp(message.timestampMs())).append(", ")
                    .append(sql.param(message.powerMw())).append(", ")
                    .append(sql.param(message.energyMwh())).append(", ")
                    .append(sql.param(message.powerW())).append(", ")
                    .append(sql.param(message.energyWh())).append(", ")
                    .append(sql.param(message.flags())).append(", ")
                    .append(sql.param(reading.candidate().reading().message())).append(", ")
                    .append(sql.param(reading.candidate().reading().lowSSignature())).append(", ")
                    .append(sql.param(reading.status())).append(", TRUE, ")
                    .append("CAST(" + sql.param(reading.verificationError()) + " AS text), ")
                    .append(sql.param(reading.late())).append(", ")
                    .append(sql.timestamp(reading.candidate().raw().receivedAtMs())).append(", ")
                    .append(sql.timestamp(verifiedAtMs)).append(")");
            first = false;
        }
        sql.append(" ON CONFLICT (device_id, boot, seq) DO NOTHING RETURNING id, device_id, boot, seq");
        return getSession().chain(session -> sql.<Object[]>query(session).getResultList()).map(rows -> {
            Map<String, Long> ids = new HashMap<>();
            for (Object[] row : rows) {
                ids.put(identity((String) row[1], NativeSql.toLong(row[2]), NativeSql.toLong(row[3])),
                        NativeSql.toLong(row[0]));
            }
            return ids;
        });
    }

    /**
     * Sets a new register verdict on stored readings (a reading was inserted before them). Disputed readings and
     * readings already sealed into an anchoring batch are left alone (the chain holds what was sealed); a row
     * whose status and code already match is not touched.
     *
     * @param verdicts the new verdicts
     * @return the readings that changed, as events
     */
    public Uni<List<VerifiedEvent>> reevaluate(List<BatchPlanner.Reevaluation> verdicts) {
        if (verdicts.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        NativeSql sql = new NativeSql().append("UPDATE readings SET status = v.new_status, verification_error = v.new_error")
                .append(" FROM (VALUES ");
        appendVerdicts(sql, verdicts);
        sql.append(") AS v(reading_id, new_status, new_error) WHERE readings.id = v.reading_id")
                .append(" AND readings.status <> '" + ReadingStatus.DISPUTED.word() + "' AND readings.batch_id IS NULL")
                .append(" AND (readings.status, coalesce(readings.verification_error, ''))")
                .append(" <> (v.new_status, coalesce(v.new_error, '')) RETURNING ").append(EVENT_COLUMNS);
        return getSession().chain(session -> sql.<Object[]>query(session).getResultList()).map(ReadingRepository::events);
    }

    /**
     * The new verdicts that {@link #reevaluate} left alone because their reading is already sealed into an anchoring
     * batch (the chain holds what was sealed, so the row keeps the verdict it was sealed with).
     *
     * @param verdicts the new verdicts
     * @return one line per sealed reading whose verdict now differs: {@code <device>/<boot>/<seq> (id <id>, batch
     *         <batch>): sealed as <status>[ <code>], would now be <status>[ <code>]}
     */
    public Uni<List<String>> sealedDisagreements(List<BatchPlanner.Reevaluation> verdicts) {
        if (verdicts.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        NativeSql sql = new NativeSql().append("SELECT r.id, r.device_id, r.boot, r.seq, r.batch_id, r.status,")
                .append(" r.verification_error, v.new_status, v.new_error FROM readings r JOIN (VALUES ");
        appendVerdicts(sql, verdicts);
        sql.append(") AS v(reading_id, new_status, new_error) ON r.id = v.reading_id")
                .append(" WHERE r.status <> '" + ReadingStatus.DISPUTED.word() + "' AND r.batch_id IS NOT NULL")
                .append(" AND (r.status, coalesce(r.verification_error, ''))")
                .append(" <> (v.new_status, coalesce(v.new_error, '')) ORDER BY r.id");
        return getSession().chain(session -> sql.<Object[]>query(session).getResultList()).map(rows -> {
            List<String> lines = new ArrayList<>(rows.size());
            for (Object[] row : rows) {
                lines.add(row[1] + "/" + NativeSql.toLong(row[2]) + "/" + NativeSql.toLong(row[3]) + " (id "
                        + NativeSql.toLong(row[0]) + ", batch " + NativeSql.toLong(row[4]) + "): sealed as "
                        + verdict((String) row[5], (String) row[6]) + ", would now be "
                        + verdict((String) row[7], (String) row[8]));
            }
            return lines;
        });
    }

    /** Appends {@code (reading_id, new_status, new_error), …} as typed parameters, for a {@code VALUES} list. */
    private static void appendVerdicts(NativeSql sql, List<BatchPlanner.Reevaluation> verdicts) {
        boolean first = true;
        for (BatchPlanner.Reevaluation verdict : verdicts) {
            sql.append(first ? "" : ", ").append("(CAST(" + sql.param(verdict.readingId()) + " AS bigint), CAST("
                    + sql.param(verdict.status()) + " AS text), CAST(" + sql.param(verdict.verificationError())
                    + " AS text))");
            first = false;
        }
    }

    private static String verdict(String status, String code) {
        return code == null ? status : status + " " + code;
    }

    /**
     * Marks stored readings disputed (equivocation); readings already disputed are left alone.
     *
     * @param ids reading ids
     * @return the readings that became disputed now, as events
     */
    public Uni<List<VerifiedEvent>> dispute(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        NativeSql sql = new NativeSql().append("UPDATE readings SET status = '" + ReadingStatus.DISPUTED.word() + "', verification_error = ")
                .append("'equivocation' WHERE status <> '" + ReadingStatus.DISPUTED.word() + "' AND id IN (");
        boolean first = true;
        for (Long id : ids) {
            sql.append(first ? "" : ", ").append(sql.param(id));
            first = false;
        }
        sql.append(") RETURNING ").append(EVENT_COLUMNS);
        return getSession().chain(session -> sql.<Object[]>query(session).getResultList()).map(ReadingRepository::events);
    }

    private static List<VerifiedEvent> events(List<Object[]> rows) {
        List<VerifiedEvent> events = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            events.add(new VerifiedEvent(NativeSql.toLong(row[0]), NativeSql.toLong(row[1]), (String) row[2],
                    NativeSql.toLong(row[3]), NativeSql.toLong(row[4]), NativeSql.toLong(row[5]),
                    NativeSql.toLong(row[6]), NativeSql.toLong(row[7]), NativeSql.toInt(row[8]), (String) row[9],
                    (String) row[10], Hex.encode(NativeSql.toBytes(row[11])), Hex.encode(NativeSql.toBytes(row[12])),
                    NativeSql.toLong(row[13]), NativeSql.toLong(row[14])));
        }
        return events;
    }
}
