package io.wattwitness.query.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.wattwitness.reading.ReadingStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Energy rollups (tables {@code energy_slots}, V2__query.sql, 5-minute slots, and {@code energy_hours},
 * V32__query_energy_hours.sql, their exact sums per UTC hour, rewritten with them) and the raw readings they are
 * computed from. Uses the
 * reactive SQL client directly: slot rewrites need arrays, advisory locks and set-based inserts.
 * <p>
 * Readings that count for energy are those with status {@code verified} or {@code anomaly} (validly signed);
 * {@code disputed} readings never count.
 * <p>
 * Speaks in rows only ({@link ReadingRow}, {@link SlotRow}, register states as their stored text): what they mean
 * for energy is the service's business.
 */
@ApplicationScoped
public class EnergySlotRepository {

    private static final String COUNTED = "status IN ('" + ReadingStatus.VERIFIED.word() + "', '"
            + ReadingStatus.ANOMALY.word() + "')";
    /** Length of an {@code energy_hours} row, ms. */
    private static final long HOUR_MS = 3_600_000;
    /** The hour of a slot start in SQL (floor, also for negative times). */
    private static final String HOUR_OF_SLOT = "slot_ms - ((slot_ms % 3600000) + 3600000) % 3600000";
    private static final String SAMPLE_COLUMNS = "timestamp_ms, energy_mwh, power_mw, flags, id";

    private final Pool pool;

    /**
     * @param pool the reactive PostgreSQL pool
     */
    public EnergySlotRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Reading times of the counted neighbours of an instant.
     *
     * @param client connection or pool
     * @param installationId installation
     * @param timestampMs the instant, Unix ms
     * @return {previous reading time or null, next reading time or null}
     */
    public Uni<Long[]> neighbours(SqlClient client, long installationId, long timestampMs) {
        return client.preparedQuery("SELECT (SELECT max(timestamp_ms) FROM readings WHERE installation_id = $1 AND "
                + COUNTED + " AND timestamp_ms < $2), (SELECT min(timestamp_ms) FROM readings WHERE installation_id = $1 AND "
                + COUNTED + " AND timestamp_ms > $2)")
                .execute(Tuple.of(installationId, timestampMs))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Long[] {row.getLong(0), row.getLong(1)};
                });
    }

    /**
     * Where a stored held or glitch run that a reading belongs to ends: the reading time of the first counted
     * reading at or after an instant whose {@code register_state} is neither {@code held} nor {@code glitch} (the
     * reading that decided the run as query-service last wrote it), or of the installation's last counted reading
     * when none is.
     *
     * @param client connection or pool
     * @param installationId installation
     * @param fromMs the instant, Unix ms
     * @return Unix ms, at least {@code fromMs} (or {@code fromMs} when no reading is at or after it)
     */
    public Uni<Long> storedRunEnd(SqlClient client, long installationId, long fromMs) {
        return client.preparedQuery("SELECT coalesce((SELECT min(timestamp_ms) FROM readings WHERE installation_id = $1"
                + " AND " + COUNTED + " AND timestamp_ms >= $2"
                + " AND (register_state IS NULL OR register_state NOT IN ('held', 'glitch'))), (SELECT max(timestamp_ms)"
                + " FROM readings WHERE installation_id = $1 AND " + COUNTED + " AND timestamp_ms >= $2), $2)")
                .execute(Tuple.of(installationId, fromMs))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /**
     * Where a register that stood below its high-water mark is back at it: the reading time of the first counted
     * reading after an instant whose register is at least the mark, or of the installation's last counted reading
     * when none is.
     *
     * @param client connection or pool
     * @param installationId installation
     * @param afterMs the instant, Unix ms
     * @param markMwh the high-water mark, mWh
     * @return Unix ms, at least {@code afterMs}
     */
    public Uni<Long> backAtMark(SqlClient client, long installationId, long afterMs, long markMwh) {
        return client.preparedQuery("SELECT coalesce((SELECT min(timestamp_ms) FROM readings WHERE installation_id = $1"
                + " AND " + COUNTED + " AND timestamp_ms > $2 AND energy_mwh >= $3), (SELECT max(timestamp_ms) FROM readings"
                + " WHERE installation_id = $1 AND " + COUNTED + " AND timestamp_ms > $2), $2)")
                .execute(Tuple.of(installationId, afterMs, markMwh))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /**
     * Counted readings with a reading time in [fromMs, toMs], plus the last one before and the first one after,
     * in time order (ties by id), and the installation's nameplate capacity.
     *
     * @param client connection or pool
     * @param installationId installation
     * @param fromMs range start, Unix ms
     * @param toMs range end (inclusive), Unix ms
     * @return the window
     */
    public Uni<Window> window(SqlClient client, long installationId, long fromMs, long toMs) {
        return window(client, installationId, fromMs, toMs, fromMs);
    }

    /**
     * Like {@link #window(SqlClient, long, long, long)}, started earlier when the readings just before
     * {@code fromMs} are in a held or glitch run: the window then starts at the last reading before {@code fromMs}
     * that is in neither (the run's baseline, as query-service last wrote the states), searched back to
     * {@code anchorBoundMs}. Booking from inside such a run would take its low register for the baseline.
     *
     * @param client connection or pool
     * @param installationId installation
     * @param fromMs range start, Unix ms
     * @param toMs range end (inclusive), Unix ms
     * @param anchorBoundMs how far back to look for the run's baseline, Unix ms (&le; fromMs)
     * @return the window
     */
    public Uni<Window> window(SqlClient client, long installationId, long fromMs, long toMs, long anchorBoundMs) {
        if (anchorBoundMs >= fromMs) {
            return load(client, installationId, fromMs, toMs);
        }
        String anchor = "SELECT timestamp_ms FROM readings WHERE installation_id = $1 AND " + COUNTED
                + " AND timestamp_ms < $2 AND timestamp_ms >= $3"
                + " AND (register_state IS NULL OR register_state NOT IN ('held', 'glitch'))"
                + " ORDER BY timestamp_ms DESC, id DESC LIMIT 1";
        return client.preparedQuery(anchor).execute(Tuple.of(installationId, fromMs, anchorBoundMs))
                .chain(rows -> {
                    long start = rows.size() == 0 ? fromMs : Math.min(fromMs, rows.iterator().next().getLong(0));
                    return load(client, installationId, start, toMs);
                });
    }

    private Uni<Window> load(SqlClient client, long installationId, long fromMs, long toMs) {
        String sql = "SELECT * FROM ("
                + "(SELECT " + SAMPLE_COLUMNS + " FROM readings WHERE installation_id = $1 AND " + COUNTED
                + " AND timestamp_ms < $2 ORDER BY timestamp_ms DESC, id DESC LIMIT 1)"
                + " UNION ALL (SELECT " + SAMPLE_COLUMNS + " FROM readings WHERE installation_id = $1 AND " + COUNTED
                + " AND timestamp_ms >= $2 AND timestamp_ms <= $3)"
                + " UNION ALL (SELECT " + SAMPLE_COLUMNS + " FROM readings WHERE installation_id = $1 AND " + COUNTED
                + " AND timestamp_ms > $3 ORDER BY timestamp_ms, id LIMIT 1)"
                + ") s ORDER BY timestamp_ms, id";
        Uni<Long> capacity = client.preparedQuery("SELECT capacity_w FROM installations WHERE id = $1")
                .execute(Tuple.of(installationId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return 0L;
                    }
                    Double watts = rows.iterator().next().getDouble(0);
                    return watts == null ? 0L : (long) Math.floor(watts);
                });
        return capacity.chain(watts -> client.preparedQuery(sql).execute(Tuple.of(installationId, fromMs, toMs))
                .map(rows -> {
                    List<ReadingRow> readings = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        readings.add(new ReadingRow(row.getLong(4), row.getLong(0), row.getLong(1), row.getLong(2),
                                row.getInteger(3)));
                    }
                    return new Window(readings, watts);
                }));
    }

    /**
     * Readings loaded for booking.
     *
     * @param readings counted readings in time order (ties by id)
     * @param capacityW the installation's nameplate capacity, W (rounded down), 0 when unknown
     */
    public record Window(List<ReadingRow> readings, long capacityW) {
    }

    /**
     * The columns of a reading that energy booking reads (table {@code readings}).
     *
     * @param id row id
     * @param timestampMs reading time, Unix ms
     * @param energyMwh energy register, mWh
     * @param powerMw active power, mW
     * @param flags message flags (reading-format SPEC.md section 2)
     */
    public record ReadingRow(long id, long timestampMs, long energyMwh, long powerMw, int flags) {
    }

    /**
     * One row of {@code energy_slots}.
     *
     * @param slotMs slot start, Unix ms (a multiple of 5 minutes)
     * @param energyMwh energy booked in the slot, mWh
     * @param estimated whether any of it is estimated (a gap, or power integrated without a register)
     * @param readingCount counted readings in the slot
     * @param firstMs time of its first reading, Unix ms, or null when it has none
     * @param firstEnergyMwh register of that reading, mWh, or null
     * @param lastMs time of its last reading, Unix ms, or null
     * @param lastEnergyMwh register of that reading, mWh, or null
     */
    public record SlotRow(long slotMs, long energyMwh, boolean estimated, int readingCount, Long firstMs,
            Long firstEnergyMwh, Long lastMs, Long lastEnergyMwh) {
    }

    /**
     * Writes what the booking made of each reading's register ({@code readings.register_state}: NULL,
     * {@code glitch}, {@code held}, {@code excess}); rows already right are not touched.
     *
     * @param client a connection inside a transaction
     * @param ids reading row ids
     * @param values their states, same order, null for an ordinary reading
     * @return the number of readings changed
     */
    public Uni<Integer> writeRegisterStates(SqlClient client, List<Long> ids, List<String> values) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return client.preparedQuery("UPDATE readings r SET register_state = v.state FROM unnest($1::bigint[], $2::text[]) "
                + "AS v(id, state) WHERE r.id = v.id AND r.register_state IS DISTINCT FROM v.state")
                .execute(Tuple.of(ids.toArray(new Long[0]), values.toArray(new String[0])))
                .map(rows -> rows.rowCount());
    }

    /**
     * Replaces the slots of a range: every existing row in [fromMs, toMs) is deleted, then the given rows inserted.
     *
     * @param client a connection inside a transaction
     * @param installationId installation
     * @param fromMs range start, Unix ms (a slot boundary)
     * @param toMs range end (exclusive), Unix ms (a slot boundary)
     * @param rows the slots of the range that hold anything, in [fromMs, toMs)
     * @return the number of slots written
     */
    public Uni<Integer> replace(SqlClient client, long installationId, long fromMs, long toMs, List<SlotRow> rows) {
        List<Long> slot = new ArrayList<>(rows.size());
        List<Long> energy = new ArrayList<>(rows.size());
        List<Boolean> estimated = new ArrayList<>(rows.size());
        List<Integer> count = new ArrayList<>(rows.size());
        List<Long> firstMs = new ArrayList<>(rows.size());
        List<Long> firstEnergy = new ArrayList<>(rows.size());
        List<Long> lastMs = new ArrayList<>(rows.size());
        List<Long> lastEnergy = new ArrayList<>(rows.size());
        for (SlotRow row : rows) {
            slot.add(row.slotMs());
            energy.add(row.energyMwh());
            estimated.add(row.estimated());
            count.add(row.readingCount());
            firstMs.add(row.firstMs());
            firstEnergy.add(row.firstEnergyMwh());
            lastMs.add(row.lastMs());
            lastEnergy.add(row.lastEnergyMwh());
        }
        Uni<?> delete = client.preparedQuery("DELETE FROM energy_slots WHERE installation_id = $1 AND slot_ms >= $2 AND slot_ms < $3")
                .execute(Tuple.of(installationId, fromMs, toMs));
        if (slot.isEmpty()) {
            // the hours of the range must follow their (now empty) slots, or week/month/year charts keep old energy
            return delete.chain(() -> replaceHours(client, installationId, fromMs, toMs)).replaceWith(0);
        }
        Tuple insert = Tuple.tuple().addLong(installationId)
                .addArrayOfLong(slot.toArray(new Long[0]))
                .addArrayOfLong(energy.toArray(new Long[0]))
                .addArrayOfBoolean(estimated.toArray(new Boolean[0]))
                .addArrayOfInteger(count.toArray(new Integer[0]))
                .addArrayOfLong(firstMs.toArray(new Long[0]))
                .addArrayOfLong(firstEnergy.toArray(new Long[0]))
                .addArrayOfLong(lastMs.toArray(new Long[0]))
                .addArrayOfLong(lastEnergy.toArray(new Long[0]));
        return delete.chain(() -> client.preparedQuery("INSERT INTO energy_slots (installation_id, slot_ms, energy_mwh, "
                + "estimated, reading_count, first_ms, first_energy_mwh, last_ms, last_energy_mwh) "
                + "SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::boolean[], $5::int[], $6::bigint[], "
                + "$7::bigint[], $8::bigint[], $9::bigint[])")
                .execute(insert))
                .chain(() -> replaceHours(client, installationId, fromMs, toMs))
                .replaceWith(slot.size());
    }

    /**
     * Recomputes the {@code energy_hours} rows of every UTC hour that [fromMs, toMs) touches from their slots.
     */
    private Uni<Void> replaceHours(SqlClient client, long installationId, long fromMs, long toMs) {
        long from = Math.floorDiv(fromMs, HOUR_MS) * HOUR_MS;
        long to = -Math.floorDiv(-toMs, HOUR_MS) * HOUR_MS;
        Tuple range = Tuple.of(installationId, from, to);
        return client.preparedQuery("DELETE FROM energy_hours WHERE installation_id = $1 AND hour_ms >= $2 AND hour_ms < $3")
                .execute(range)
                .chain(() -> client.preparedQuery("INSERT INTO energy_hours (installation_id, hour_ms, energy_mwh, "
                        + "estimated, reading_count) SELECT $1, " + HOUR_OF_SLOT + ", sum(energy_mwh)::bigint, "
                        + "bool_or(estimated), sum(reading_count)::int FROM energy_slots WHERE installation_id = $1 "
                        + "AND slot_ms >= $2 AND slot_ms < $3 GROUP BY 2")
                        .execute(range))
                .replaceWithVoid();
    }

    /**
     * Serialises rollup rewrites of one installation until the transaction ends.
     *
     * @param client a connection inside a transaction
     * @param installationId installation
     * @return completion
     */
    public Uni<Void> lockInstallation(SqlClient client, long installationId) {
        return client.preparedQuery("SELECT pg_advisory_xact_lock($1, $2)")
                .execute(Tuple.of(0x5757, (int) installationId)).replaceWithVoid();
    }

    /**
     * Sums slots into buckets: {@code width_bucket} over the bucket starts, aggregated in PostgreSQL.
     *
     * @param installationId installation
     * @param bounds n + 1 bucket boundaries, Unix ms, each a slot boundary
     * @return per bucket: {energy mWh, estimated (0/1), reading count}
     */
    public Uni<long[][]> sumBuckets(long installationId, long[] bounds) {
        int n = bounds.length - 1;
        Long[] starts = new Long[n];
        for (int i = 0; i < n; i++) {
            starts[i] = bounds[i];
        }
        return pool.preparedQuery("SELECT width_bucket(slot_ms, $2::bigint[]) AS b, sum(energy_mwh)::bigint, "
                + "bool_or(estimated), sum(reading_count)::bigint FROM energy_slots "
                + "WHERE installation_id = $1 AND slot_ms >= $3 AND slot_ms < $4 GROUP BY 1")
                .execute(Tuple.of(installationId, starts, bounds[0], bounds[n]))
                .map(rows -> bucketSums(rows, n));
    }

    /**
     * Sums rollups into buckets like {@link #sumBuckets}, reading {@code energy_hours} for every UTC hour that lies
     * inside one bucket and {@code energy_slots} only for the hours a bucket boundary cuts (every boundary of a zone
     * offset by 30 or 45 minutes, the range's ends): the same sums from about a twelfth of the rows.
     *
     * @param installationId installation
     * @param bounds n + 1 bucket boundaries, Unix ms, each a slot boundary
     * @return per bucket: {energy mWh, estimated (0/1), reading count}
     */
    public Uni<long[][]> sumBucketsByHours(long installationId, long[] bounds) {
        int n = bounds.length - 1;
        Long[] starts = new Long[n];
        for (int i = 0; i < n; i++) {
            starts[i] = bounds[i];
        }
        List<Long> cut = new ArrayList<>();
        List<Long> fineFrom = new ArrayList<>();
        List<Long> fineTo = new ArrayList<>();
        for (long bound : bounds) {
            long hour = Math.floorDiv(bound, HOUR_MS) * HOUR_MS;
            if (hour != bound && (cut.isEmpty() || cut.get(cut.size() - 1) != hour)) {
                cut.add(hour);
                fineFrom.add(Math.max(hour, bounds[0]));
                fineTo.add(Math.min(hour + HOUR_MS, bounds[n]));
            }
        }
        long hoursFrom = Math.floorDiv(bounds[0], HOUR_MS) * HOUR_MS;
        long hoursTo = -Math.floorDiv(-bounds[n], HOUR_MS) * HOUR_MS;
        Tuple tuple = Tuple.tuple().addLong(installationId).addArrayOfLong(starts).addLong(hoursFrom).addLong(hoursTo)
                .addArrayOfLong(cut.toArray(new Long[0])).addArrayOfLong(fineFrom.toArray(new Long[0]))
                .addArrayOfLong(fineTo.toArray(new Long[0]));
        return pool.preparedQuery("SELECT width_bucket(t, $2::bigint[]) AS b, sum(e)::bigint, bool_or(x), sum(c)::bigint "
                + "FROM (SELECT hour_ms AS t, energy_mwh AS e, estimated AS x, reading_count AS c FROM energy_hours "
                + "WHERE installation_id = $1 AND hour_ms >= $3 AND hour_ms < $4 AND hour_ms <> ALL($5::bigint[]) "
                + "UNION ALL SELECT s.slot_ms, s.energy_mwh, s.estimated, s.reading_count "
                + "FROM unnest($6::bigint[], $7::bigint[]) AS r(lo, hi) JOIN energy_slots s "
                + "ON s.installation_id = $1 AND s.slot_ms >= r.lo AND s.slot_ms < r.hi) u GROUP BY 1")
                .execute(tuple)
                .map(rows -> bucketSums(rows, n));
    }

    private static long[][] bucketSums(RowSet<Row> rows, int n) {
        long[][] result = new long[n][3];
        for (Row row : rows) {
            int bucket = row.getInteger(0) - 1;
            if (bucket >= 0 && bucket < n) {
                result[bucket][0] = row.getLong(1);
                result[bucket][1] = Boolean.TRUE.equals(row.getBoolean(2)) ? 1 : 0;
                result[bucket][2] = row.getLong(3);
            }
        }
        return result;
    }

    /**
     * @param installationId installation
     * @param fromMs first slot to include, Unix ms (use {@link Long#MIN_VALUE} for all)
     * @return energy booked from that slot on, mWh
     */
    public Uni<Long> totalSince(long installationId, long fromMs) {
        // whole hours from energy_hours, the slots before the first whole hour from energy_slots
        long hour = fromMs == Long.MIN_VALUE ? Long.MIN_VALUE : -Math.floorDiv(-fromMs, HOUR_MS) * HOUR_MS;
        return pool.preparedQuery("SELECT (SELECT coalesce(sum(energy_mwh), 0) FROM energy_hours "
                + "WHERE installation_id = $1 AND hour_ms >= $3)::bigint + (SELECT coalesce(sum(energy_mwh), 0) "
                + "FROM energy_slots WHERE installation_id = $1 AND slot_ms >= $2 AND slot_ms < $3)::bigint")
                .execute(Tuple.of(installationId, fromMs, hour))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** @return the pool, for transactions spanning several calls */
    public Pool pool() {
        return pool;
    }
}
