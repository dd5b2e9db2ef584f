package io.wattwitness.query.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.wattwitness.query.service.energy.BucketGrid;
import io.wattwitness.query.service.energy.EnergySample;
import io.wattwitness.query.service.energy.RegisterState;
import io.wattwitness.reading.ReadingStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Energy rollups (table {@code energy_slots}, V2__query.sql) and the raw readings they are computed from. Uses the
 * reactive SQL client directly: slot rewrites need arrays, advisory locks and set-based inserts.
 * <p>
 * Readings that count for energy are those with status {@code verified} or {@code anomaly} (validly signed);
 * {@code disputed} readings never count.
 */
@ApplicationScoped
public class EnergySlotRepository {

    private static final String COUNTED = "status IN ('" + ReadingStatus.VERIFIED.word() + "', '" + ReadingStatus.ANOMALY.word() + "')";
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
     * in time order (ties by id).
     *
     * @param client connection or pool
     * @param installationId installation
     * @param fromMs range start, Unix ms
     * @param toMs range end (inclusive), Unix ms
     * @return the samples
     */
    public Uni<List<EnergySample>> samples(SqlClient client, long installationId, long fromMs, long toMs) {
        return window(client, installationId, fromMs, toMs).map(Window::samples);
    }

    /**
     * The readings of {@link #samples} with their row ids, and the installation's nameplate capacity.
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
                    List<EnergySample> samples = new ArrayList<>(rows.size());
                    List<Long> ids = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        samples.add(EnergySample.ofReading(row.getLong(0), row.getLong(1), row.getLong(2),
                                row.getInteger(3)));
                        ids.add(row.getLong(4));
                    }
                    return new Window(samples, ids, watts);
                }));
    }

    /**
     * Readings loaded for booking.
     *
     * @param samples counted readings in time order (ties by id)
     * @param ids their row ids, same order
     * @param capacityW the installation's nameplate capacity, W (rounded down), 0 when unknown
     */
    public record Window(List<EnergySample> samples, List<Long> ids, long capacityW) {
    }

    /**
     * Writes what the booking made of each reading's register ({@code readings.register_state}: NULL, glitch,
     * held, excess) for the readings with a reading time in [fromMs, toMs); rows already right are not touched.
     *
     * @param client a connection inside a transaction
     * @param window the loaded readings
     * @param states per reading of the window, its state or null
     * @param fromMs first reading time to write, Unix ms
     * @param toMs end (exclusive), Unix ms
     * @return the number of readings changed
     */
    public Uni<Integer> writeRegisterStates(SqlClient client, Window window, List<RegisterState> states, long fromMs,
            long toMs) {
        List<Long> ids = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < window.samples().size(); i++) {
            long ms = window.samples().get(i).timestampMs();
            if (ms >= fromMs && ms < toMs) {
                ids.add(window.ids().get(i));
                values.add(states.get(i) == null ? null : states.get(i).wire());
            }
        }
        if (ids.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return client.preparedQuery("UPDATE readings r SET register_state = v.state FROM unnest($1::bigint[], $2::text[]) "
                + "AS v(id, state) WHERE r.id = v.id AND r.register_state IS DISTINCT FROM v.state")
                .execute(Tuple.of(ids.toArray(new Long[0]), values.toArray(new String[0])))
                .map(rows -> rows.rowCount());
    }

    /**
     * Replaces the slots of a grid: every existing row in its range is deleted, then the touched slots inserted.
     *
     * @param client a connection inside a transaction
     * @param installationId installation
     * @param grid slots computed from raw readings (5-minute buckets)
     * @return the number of slots written
     */
    public Uni<Integer> replace(SqlClient client, long installationId, BucketGrid grid) {
        List<Long> slot = new ArrayList<>();
        List<Long> energy = new ArrayList<>();
        List<Boolean> estimated = new ArrayList<>();
        List<Integer> count = new ArrayList<>();
        List<Long> firstMs = new ArrayList<>();
        List<Long> firstEnergy = new ArrayList<>();
        List<Long> lastMs = new ArrayList<>();
        List<Long> lastEnergy = new ArrayList<>();
        for (int i = 0; i < grid.size(); i++) {
            if (!grid.touched(i)) {
                continue;
            }
            boolean any = grid.readingCount(i) > 0;
            slot.add(grid.bucketStartMs(i));
            energy.add(grid.energyMwh(i));
            estimated.add(grid.estimated(i));
            count.add(grid.readingCount(i));
            firstMs.add(any ? grid.firstMs(i) : null);
            firstEnergy.add(any && grid.firstEnergyMwh(i) >= 0 ? grid.firstEnergyMwh(i) : null);
            lastMs.add(any ? grid.lastMs(i) : null);
            lastEnergy.add(any && grid.lastEnergyMwh(i) >= 0 ? grid.lastEnergyMwh(i) : null);
        }
        Uni<?> delete = client.preparedQuery("DELETE FROM energy_slots WHERE installation_id = $1 AND slot_ms >= $2 AND slot_ms < $3")
                .execute(Tuple.of(installationId, grid.startMs(), grid.endMs()));
        if (slot.isEmpty()) {
            return delete.replaceWith(0);
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
                .execute(insert)).replaceWith(slot.size());
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
                .map(rows -> {
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
                });
    }

    /**
     * @param installationId installation
     * @param fromMs first slot to include, Unix ms (use {@link Long#MIN_VALUE} for all)
     * @return energy booked from that slot on, mWh
     */
    public Uni<Long> totalSince(long installationId, long fromMs) {
        return pool.preparedQuery("SELECT coalesce(sum(energy_mwh), 0)::bigint FROM energy_slots "
                + "WHERE installation_id = $1 AND slot_ms >= $2")
                .execute(Tuple.of(installationId, fromMs))
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** @return the pool, for transactions spanning several calls */
    public Pool pool() {
        return pool;
    }
}
