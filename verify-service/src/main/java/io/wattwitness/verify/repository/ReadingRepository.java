package io.wattwitness.verify.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.wattwitness.reading.Hex;
import io.wattwitness.reading.ReadingIdentity;
import io.wattwitness.reading.ReadingStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code readings} table. Every statement takes the poll's rows as arrays ({@code UNNEST}), so its text does
 * not depend on the number of rows and the prepared statement is reused; one round trip per statement. Call with
 * the connection of the poll's transaction.
 */
@ApplicationScoped
public class ReadingRepository {

    private static final String EVENT_COLUMNS = "id, installation_id, device_id, boot, seq, timestamp_ms, power_mw,"
            + " energy_mwh, flags, status, verification_error, message, signature,"
            + " CAST(EXTRACT(EPOCH FROM received_at) * 1000 AS bigint),"
            + " CAST(EXTRACT(EPOCH FROM verified_at) * 1000 AS bigint)";

    private static final String NEIGHBOUR_COLUMNS = "r.id, r.device_id, r.boot, r.seq, r.timestamp_ms, r.energy_mwh,"
            + " r.flags, r.message, r.status, r.verification_error FROM readings r WHERE r.device_id = k.device_id AND ";

    /** Row comparisons over the whole index key (device_id, boot, seq) are range conditions on readings_identity. */
    private static final String FIND_AROUND = "SELECT x.* FROM UNNEST($1::text[], $2::bigint[], $3::bigint[])"
            + " AS k(device_id, boot, seq) CROSS JOIN LATERAL ("
            + "(SELECT " + NEIGHBOUR_COLUMNS + "(r.device_id, r.boot, r.seq) < (k.device_id, k.boot, k.seq)"
            + " ORDER BY r.device_id DESC, r.boot DESC, r.seq DESC LIMIT 1)"
            + " UNION ALL (SELECT " + NEIGHBOUR_COLUMNS + "r.boot = k.boot AND r.seq = k.seq)"
            + " UNION ALL (SELECT " + NEIGHBOUR_COLUMNS + "(r.device_id, r.boot, r.seq) > (k.device_id, k.boot, k.seq)"
            + " ORDER BY r.device_id, r.boot, r.seq LIMIT 1)) AS x";

    private static final String INSERT = "INSERT INTO readings (installation_id, device_id, meter_id, boot, seq,"
            + " timestamp_ms, reading_time, power_mw, energy_mwh, power_w, total_wh, flags, message, signature,"
            + " status, is_verified, verification_error, late, received_at, verified_at)"
            + " SELECT u.installation_id, u.device_id, u.meter_id, u.boot, u.seq, u.timestamp_ms, "
            + Rows.EPOCH_MS.formatted("u.timestamp_ms") + ", u.power_mw, u.energy_mwh, u.power_w, u.total_wh, u.flags,"
            + " u.message, u.signature, u.status, TRUE, u.verification_error, u.late, "
            + Rows.EPOCH_MS.formatted("u.received_ms") + ", " + Rows.EPOCH_MS.formatted("$18::bigint")
            + " FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[],"
            + " $7::bigint[], $8::bigint[], $9::float8[], $10::float8[], $11::int[], $12::bytea[], $13::bytea[],"
            + " $14::text[], $15::text[], $16::boolean[], $17::bigint[]) AS u(installation_id, device_id, meter_id,"
            + " boot, seq, timestamp_ms, power_mw, energy_mwh, power_w, total_wh, flags, message, signature, status,"
            + " verification_error, late, received_ms)"
            + " ON CONFLICT (device_id, boot, seq) DO NOTHING RETURNING id, device_id, boot, seq";

    private static final String VERDICTS = "UNNEST($1::bigint[], $2::text[], $3::text[])"
            + " AS v(reading_id, new_status, new_error)";

    private static final String REEVALUATE = "UPDATE readings SET status = v.new_status,"
            + " verification_error = v.new_error FROM " + VERDICTS + " WHERE readings.id = v.reading_id"
            + " AND readings.status <> '" + ReadingStatus.DISPUTED.word() + "' AND readings.batch_id IS NULL"
            + " AND (readings.status, coalesce(readings.verification_error, ''))"
            + " <> (v.new_status, coalesce(v.new_error, '')) RETURNING " + EVENT_COLUMNS;

    private static final String SEALED_DISAGREEMENTS = "SELECT r.id, r.device_id, r.boot, r.seq, r.batch_id,"
            + " r.status, r.verification_error, v.new_status, v.new_error FROM readings r JOIN " + VERDICTS
            + " ON r.id = v.reading_id WHERE r.status <> '" + ReadingStatus.DISPUTED.word() + "'"
            + " AND r.batch_id IS NOT NULL"
            + " AND (r.status, coalesce(r.verification_error, '')) <> (v.new_status, coalesce(v.new_error, ''))"
            + " ORDER BY r.id";

    private static final String BY_IDS = "SELECT " + EVENT_COLUMNS + " FROM readings WHERE id = ANY($1::bigint[])"
            + " ORDER BY id";

    private static final String DISPUTE = "UPDATE readings SET status = '" + ReadingStatus.DISPUTED.word()
            + "', verification_error = 'equivocation' WHERE status <> '" + ReadingStatus.DISPUTED.word()
            + "' AND id = ANY($1::bigint[]) RETURNING " + EVENT_COLUMNS;

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
     * {@code readings_identity} index), in one statement.
     *
     * @param connection the transaction's connection
     * @param identities identities of the poll
     * @return the stored readings found, without repetitions
     */
    public Uni<List<StoredReading>> findAround(SqlConnection connection, Collection<ReadingIdentity> identities) {
        if (identities.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<ReadingIdentity> all = new ArrayList<>(identities);
        Tuple parameters = Tuple.of(Rows.strings(all, identity -> Hex.ofLong(identity.deviceId())),
                Rows.longs(all, ReadingIdentity::boot), Rows.longs(all, ReadingIdentity::seq));
        return connection.preparedQuery(FIND_AROUND).execute(parameters).map(rows -> {
            Map<Long, StoredReading> found = new LinkedHashMap<>();
            for (Row row : rows) {
                found.putIfAbsent(row.getLong(0), new StoredReading(row.getLong(0), row.getString(1), row.getLong(2),
                        row.getLong(3), row.getLong(4), row.getLong(5), row.getInteger(6), Rows.bytes(row, 7),
                        row.getString(8), row.getString(9)));
            }
            return new ArrayList<>(found.values());
        });
    }

    /**
     * Inserts readings in one statement; an identity that already exists is skipped ({@code ON CONFLICT DO
     * NOTHING}).
     *
     * @param connection the transaction's connection
     * @param readings rows to insert, in order
     * @param verifiedAtMs verification time, Unix ms
     * @return the new row id per {@link #identity} (identities skipped are absent)
     */
    public Uni<Map<String, Long>> insert(SqlConnection connection, List<NewReading> readings, long verifiedAtMs) {
        if (readings.isEmpty()) {
            return Uni.createFrom().item(new HashMap<>());
        }
        Tuple parameters = Tuple.tuple()
                .addValue(Rows.longs(readings, NewReading::installationId))
                .addValue(Rows.strings(readings, NewReading::deviceId))
                .addValue(Rows.strings(readings, NewReading::meterId))
                .addValue(Rows.longs(readings, NewReading::boot))
                .addValue(Rows.longs(readings, NewReading::seq))
                .addValue(Rows.longs(readings, NewReading::timestampMs))
                .addValue(Rows.longs(readings, NewReading::powerMw))
                .addValue(Rows.longs(readings, NewReading::energyMwh))
                .addValue(Rows.doubles(readings, NewReading::powerW))
                .addValue(Rows.doubles(readings, NewReading::totalWh))
                .addValue(Rows.ints(readings, NewReading::flags))
                .addValue(Rows.buffers(readings, NewReading::message))
                .addValue(Rows.buffers(readings, NewReading::signature))
                .addValue(Rows.strings(readings, NewReading::status))
                .addValue(Rows.strings(readings, NewReading::verificationError))
                .addValue(Rows.booleans(readings, NewReading::late))
                .addValue(Rows.longs(readings, NewReading::receivedAtMs))
                .addValue(verifiedAtMs);
        return connection.preparedQuery(INSERT).execute(parameters).map(rows -> {
            Map<String, Long> ids = new HashMap<>();
            for (Row row : rows) {
                ids.put(identity(row.getString(1), row.getLong(2), row.getLong(3)), row.getLong(0));
            }
            return ids;
        });
    }

    /**
     * Sets a new register verdict on stored readings (a reading was inserted before them). Disputed readings and
     * readings already sealed into an anchoring batch are left alone (the chain holds what was sealed); a row
     * whose status and code already match is not touched.
     *
     * @param connection the transaction's connection
     * @param verdicts the new verdicts
     * @return the readings that changed
     */
    public Uni<List<ReadingRow>> reevaluate(SqlConnection connection, List<Verdict> verdicts) {
        if (verdicts.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return connection.preparedQuery(REEVALUATE).execute(verdictParameters(verdicts))
                .map(ReadingRepository::readingRows);
    }

    /**
     * The new verdicts that {@link #reevaluate} left alone because their reading is already sealed into an anchoring
     * batch (the chain holds what was sealed, so the row keeps the verdict it was sealed with).
     *
     * @param connection the transaction's connection
     * @param verdicts the new verdicts
     * @return one line per sealed reading whose verdict now differs: {@code <device>/<boot>/<seq> (id <id>, batch
     *         <batch>): sealed as <status>[ <code>], would now be <status>[ <code>]}
     */
    public Uni<List<String>> sealedDisagreements(SqlConnection connection, List<Verdict> verdicts) {
        if (verdicts.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return connection.preparedQuery(SEALED_DISAGREEMENTS).execute(verdictParameters(verdicts)).map(rows -> {
            List<String> lines = new ArrayList<>(rows.size());
            for (Row row : rows) {
                lines.add(row.getString(1) + "/" + row.getLong(2) + "/" + row.getLong(3) + " (id " + row.getLong(0)
                        + ", batch " + row.getLong(4) + "): sealed as " + verdict(row.getString(5), row.getString(6))
                        + ", would now be " + verdict(row.getString(7), row.getString(8)));
            }
            return lines;
        });
    }

    private static Tuple verdictParameters(List<Verdict> verdicts) {
        return Tuple.of(Rows.longs(verdicts, Verdict::readingId), Rows.strings(verdicts, Verdict::status),
                Rows.strings(verdicts, Verdict::verificationError));
    }

    private static String verdict(String status, String code) {
        return code == null ? status : status + " " + code;
    }

    /**
     * Marks stored readings disputed (equivocation); readings already disputed are left alone.
     *
     * @param connection the transaction's connection
     * @param ids reading ids
     * @return the readings that became disputed now
     */
    public Uni<List<ReadingRow>> dispute(SqlConnection connection, Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return connection.preparedQuery(DISPUTE).execute(Tuple.of(ids.toArray(new Long[0])))
                .map(ReadingRepository::readingRows);
    }

    /**
     * Reads stored readings as they are now, to publish them again.
     *
     * @param connection the transaction's connection
     * @param ids reading ids
     * @return the readings found, by id
     */
    public Uni<List<ReadingRow>> byIds(SqlConnection connection, Collection<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return connection.preparedQuery(BY_IDS).execute(Tuple.of(ids.toArray(new Long[0])))
                .map(ReadingRepository::readingRows);
    }

    private static List<ReadingRow> readingRows(RowSet<Row> rows) {
        List<ReadingRow> events = new ArrayList<>(rows.size());
        for (Row row : rows) {
            events.add(new ReadingRow(row.getLong(0), row.getLong(1), row.getString(2), row.getLong(3),
                    row.getLong(4), row.getLong(5), row.getLong(6), row.getLong(7), row.getInteger(8),
                    row.getString(9), row.getString(10), Rows.bytes(row, 11), Rows.bytes(row, 12), row.getLong(13),
                    row.getLong(14)));
        }
        return events;
    }
}
