package io.wattwitness.query.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.wattwitness.query.config.QueryConfig;
import io.wattwitness.query.repository.EnergySlotRepository;
import io.wattwitness.query.repository.Installation;
import io.wattwitness.query.repository.Reading;
import io.wattwitness.query.repository.ReadingRepository;
import io.wattwitness.query.rest.model.ChartPoint;
import io.wattwitness.query.rest.model.ChartView;
import io.wattwitness.query.rest.model.SummaryView;
import io.wattwitness.query.service.energy.BucketGrid;
import io.wattwitness.query.service.energy.CalendarBucket;
import io.wattwitness.query.service.energy.CalendarBuckets;
import io.wattwitness.query.service.energy.EnergyBooker;
import io.wattwitness.query.service.energy.EnergyPolicy;
import io.wattwitness.query.service.energy.EnergySample;
import io.wattwitness.query.service.energy.RegisterState;
import io.wattwitness.query.service.energy.Slots;
import io.wattwitness.query.service.energy.TimeFrame;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Energy analytics over the rollups (5-minute slots and their sums per UTC hour): rollup maintenance from verified
 * readings, charts in the installation's calendar, and the summary figures.
 * <p>
 * Rollups are recomputed, never incremented: a reading at time T affects the slots between its counted neighbours,
 * so those slots are rebuilt from the raw readings (with {@code lookback} of history to restore the register
 * baseline) under a per-installation advisory lock. Re-delivered, late and newly disputed readings all take the
 * same path, which makes the rollups idempotent and order-independent.
 */
@ApplicationScoped
public class EnergyService {

    private final EnergySlotRepository slots;
    private final ReadingRepository readings;
    private final InstallationService installations;
    private final EnergyBooker booker;
    private final long lookbackMs;
    private final long heldLookbackMs;

    /**
     * @param slots rollup rows
     * @param readings reading rows
     * @param installations installation lookup
     * @param config energy settings
     */
    public EnergyService(EnergySlotRepository slots, ReadingRepository readings, InstallationService installations,
            QueryConfig config) {
        this.slots = slots;
        this.readings = readings;
        this.installations = installations;
        QueryConfig.Energy energy = config.energy();
        this.booker = new EnergyBooker(new EnergyPolicy(energy.expectedInterval().toMillis(), energy.gapIntervals(),
                energy.roundingToleranceWh() * 1000, energy.restartNearZeroWh() * 1000, energy.capacityMarginPercent(),
                1_000));
        this.lookbackMs = energy.lookback().toMillis();
        this.heldLookbackMs = Math.max(lookbackMs, energy.heldLookback().toMillis());
    }

    /** @return the booking rules in use */
    public EnergyBooker booker() {
        return booker;
    }

    /**
     * Rebuilds the rollup slots a reading affects, and the register state of the readings in them, so that they
     * equal booking every counted reading in time order whatever order the readings arrived in.
     * <p>
     * The range starts as the one between the reading's counted neighbours and is widened until nothing outside it
     * depends on what changed:
     * <ul>
     *   <li>back to the reading before a held register drop that reaches it (the reading may decide that drop,
     *       glitch or restart, which changes the energy booked from the reading before the drop on);</li>
     *   <li>forward to the reading that decides a held run starting anywhere in the range's slots (not only up to
     *       the next neighbour: a glitch that a late reading precedes in the same slot books its return over the
     *       rest of the slot and beyond), by at least the range again while such a run is still undecided at the
     *       last loaded reading;</li>
     *   <li>for a late reading (one with later readings), forward to the first reading after the range's slots: the
     *       booking of the interval up to it, which reaches past the range, may change with the late reading (a
     *       late reading inside a glitch may decide it differently);</li>
     *   <li>forward to the reading that decided a stored held or glitch run that the first reading after the range
     *       belongs to (a late reading may end such a run earlier);</li>
     *   <li>forward to the first reading back at a high-water mark the range holds (a late reading above the
     *       register that follows it raises the mark every later booking until then is measured from).</li>
     * </ul>
     * A newest reading that only extends an open held run decides and books nothing, so only its own slots are
     * written (the run's earlier slots are not rebuilt for every reading of it).
     *
     * @param installationId the reading's installation
     * @param timestampMs its reading time, Unix ms
     * @return the number of slots written
     */
    public Uni<Integer> refresh(long installationId, long timestampMs) {
        return slots.pool().withTransaction(tx -> slots.lockInstallation(tx, installationId)
                .chain(() -> slots.neighbours(tx, installationId, timestampMs))
                .chain(around -> {
                    long from = around[0] != null ? around[0] : timestampMs;
                    long to = around[1] != null ? around[1] : timestampMs;
                    return rebook(tx, installationId, from, to, new Change(timestampMs, to, around[1] == null, true));
                }))
                .invoke(written -> Log.debugf("installation %d: %d rollup slots rebuilt around %d", (Object) installationId,
                        written, timestampMs));
    }

    /**
     * Rebuilds every slot of an installation between two instants (maintenance, benchmarks), and the register
     * state of the readings in them; widened like {@link #refresh} over held and glitch runs that cross its ends.
     *
     * @param installationId installation
     * @param fromMs start, Unix ms
     * @param toMs end, Unix ms
     * @return the number of slots written
     */
    public Uni<Integer> rebuild(long installationId, long fromMs, long toMs) {
        return slots.pool().withTransaction(tx -> slots.lockInstallation(tx, installationId)
                .chain(() -> rebook(tx, installationId, fromMs, toMs, null)));
    }

    /**
     * What a refresh is about: the new reading's time, its next neighbour's time (or its own), whether it is the
     * installation's newest reading, and whether the range was not widened yet.
     */
    private record Change(long timestampMs, long toMs, boolean newest, boolean first) {

        Change widened() {
            return new Change(timestampMs, toMs, newest, false);
        }
    }

    /**
     * Books the slots covering [fromMs, toMs] and writes them, or widens the range (see {@link #refresh}).
     *
     * @param change the reading that caused it, or null for a maintenance rebuild
     */
    private Uni<Integer> rebook(SqlClient tx, long installationId, long fromMs, long toMs, Change change) {
        BucketGrid grid = Slots.covering(fromMs, toMs);
        return load(tx, installationId, grid).chain(window -> {
            List<EnergySample> samples = window.samples();
            EnergyBooker.Outcome outcome = booker.book(samples, grid, window.capacityW());
            int last = samples.size() - 1;
            long lastMs = last < 0 ? toMs : samples.get(last).timestampMs();
            if (change != null && change.newest() && last >= 0 && lastMs == change.timestampMs()
                    && outcome.states().get(last) == RegisterState.HELD) {
                // the newest reading only extends an open held run: it books and decides nothing before its slots
                return write(tx, installationId, window, grid, outcome);
            }
            long earliest = outcome.dependsFromMs(fromMs);
            long latest = outcome.dependsUntilMs(grid.endMs() - 1, lastMs);
            if (lastMs < grid.endMs()) {
                // no reading after the range: nothing later depends on it
                return earliest >= grid.startMs() ? write(tx, installationId, window, grid, outcome)
                        : widen(tx, installationId, fromMs, toMs, earliest, latest, change);
            }
            if (outcome.heldOpen()) {
                // undecided at the first reading after the range: its deciding reading is further on
                latest = Math.max(latest, lastMs + Math.max(toMs - fromMs, lookbackMs));
            }
            if (change != null && change.first()) {
                // the interval up to the first reading after the range reaches past it and may have changed
                latest = Math.max(latest, lastMs);
            }
            Uni<Long> until = Uni.createFrom().item(latest);
            until = until.chain(end -> slots.storedRunEnd(tx, installationId, lastMs)
                    .map(stored -> stored > lastMs ? Math.max(end, stored) : end));
            if (change != null && outcome.markOpenAt(change.toMs())) {
                until = until.chain(end -> slots.backAtMark(tx, installationId, lastMs, outcome.openMarkMwh())
                        .map(back -> Math.max(end, back)));
            }
            return until.chain(end -> earliest >= grid.startMs() && end < grid.endMs()
                    ? write(tx, installationId, window, grid, outcome)
                    : widen(tx, installationId, fromMs, toMs, earliest, end, change));
        });
    }

    private Uni<Integer> widen(SqlClient tx, long installationId, long fromMs, long toMs, long earliest, long latest,
            Change change) {
        long from = Math.min(fromMs, earliest);
        long to = Math.max(toMs, latest);
        Log.debugf("installation %d: held register drop, glitch or high-water mark, rebuilding %d..%d",
                (Object) installationId, from, to);
        return rebook(tx, installationId, from, to, change == null ? null : change.widened());
    }

    /** The counted readings a grid's booking needs, as samples. */
    private Uni<Loaded> load(SqlClient client, long installationId, BucketGrid grid) {
        return slots.window(client, installationId, grid.startMs() - lookbackMs, grid.endMs(),
                grid.startMs() - heldLookbackMs).map(Loaded::of);
    }

    /**
     * Readings loaded for booking.
     *
     * @param samples counted readings in time order (ties by id)
     * @param ids their row ids, same order
     * @param capacityW the installation's nameplate capacity, W (rounded down), 0 when unknown
     */
    private record Loaded(List<EnergySample> samples, List<Long> ids, long capacityW) {

        static Loaded of(EnergySlotRepository.Window window) {
            List<EnergySample> samples = new ArrayList<>(window.readings().size());
            List<Long> ids = new ArrayList<>(window.readings().size());
            for (EnergySlotRepository.ReadingRow row : window.readings()) {
                samples.add(EnergySample.ofReading(row.timestampMs(), row.energyMwh(), row.powerMw(), row.flags()));
                ids.add(row.id());
            }
            return new Loaded(samples, ids, window.capacityW());
        }
    }

    private Uni<Integer> write(SqlClient tx, long installationId, Loaded window, BucketGrid grid,
            EnergyBooker.Outcome outcome) {
        if (outcome.excessMwh() > 0 || outcome.glitches() > 0) {
            Log.debugf("installation %d: %d register glitches, %d mWh above the capacity ceiling not booked",
                    (Object) installationId, outcome.glitches(), outcome.excessMwh());
        }
        List<Long> ids = new ArrayList<>();
        List<String> states = new ArrayList<>();
        for (int i = 0; i < window.samples().size(); i++) {
            long ms = window.samples().get(i).timestampMs();
            if (ms >= grid.startMs() && ms < grid.endMs()) {
                RegisterState state = outcome.states().get(i);
                ids.add(window.ids().get(i));
                states.add(state == null ? null : state.wire());
            }
        }
        return slots.writeRegisterStates(tx, ids, states)
                .chain(() -> slots.replace(tx, installationId, grid.startMs(), grid.endMs(), slotRows(grid)));
    }

    /** The touched slots of a grid of 5-minute slots, as rows. */
    private static List<EnergySlotRepository.SlotRow> slotRows(BucketGrid grid) {
        List<EnergySlotRepository.SlotRow> rows = new ArrayList<>();
        for (int i = 0; i < grid.size(); i++) {
            if (!grid.touched(i)) {
                continue;
            }
            boolean any = grid.readingCount(i) > 0;
            rows.add(new EnergySlotRepository.SlotRow(grid.bucketStartMs(i), grid.energyMwh(i), grid.estimated(i),
                    grid.readingCount(i), any ? grid.firstMs(i) : null,
                    any && grid.firstEnergyMwh(i) >= 0 ? grid.firstEnergyMwh(i) : null, any ? grid.lastMs(i) : null,
                    any && grid.lastEnergyMwh(i) >= 0 ? grid.lastEnergyMwh(i) : null));
        }
        return rows;
    }

    /**
     * The chart of a time frame, summed from the rollups.
     *
     * @param installationId installation id
     * @param frame time frame, null for {@link TimeFrame#DAY}
     * @param zone zone overriding the installation's, or null
     * @param end instant the chart ends at, null for now
     * @return the chart; {@link NotFoundException} when the installation is unknown
     */
    @WithSession
    public Uni<ChartView> chart(long installationId, TimeFrame frame, ZoneId zone, Instant end) {
        TimeFrame chosen = frame == null ? TimeFrame.DAY : frame;
        Instant until = end == null ? Instant.now() : end;
        return installations.require(installationId).chain(installation -> chartOf(installation.id, chosen,
                zone != null ? zone : ZoneId.of(installation.timezone), until));
    }

    /**
     * The chart of a time frame summed from the rollups, for a known installation (no session needed). Week, month
     * and year read the hourly rollups for every UTC hour inside one bucket and the 5-minute slots for the hours a
     * bucket boundary cuts ({@link EnergySlotRepository#sumBucketsByHours}); hour and day read the slots.
     *
     * @param installationId installation id
     * @param frame time frame
     * @param zone zone of the calendar buckets
     * @param end chart end
     * @return the chart
     */
    public Uni<ChartView> chartOf(long installationId, TimeFrame frame, ZoneId zone, Instant end) {
        boolean byHours = frame == TimeFrame.WEEK || frame == TimeFrame.MONTH || frame == TimeFrame.YEAR;
        return chartOf(installationId, frame, zone, end, byHours);
    }

    /**
     * The chart of a time frame summed from the 5-minute slots only, whatever the frame: the reference the hourly
     * path is compared with in tests and benchmarks.
     *
     * @param installationId installation id
     * @param frame time frame
     * @param zone zone of the calendar buckets
     * @param end chart end
     * @return the chart
     */
    public Uni<ChartView> chartFromSlots(long installationId, TimeFrame frame, ZoneId zone, Instant end) {
        return chartOf(installationId, frame, zone, end, false);
    }

    private Uni<ChartView> chartOf(long installationId, TimeFrame frame, ZoneId zone, Instant end, boolean byHours) {
        List<CalendarBucket> buckets = CalendarBuckets.forFrame(frame, zone, end);
        long[] bounds = CalendarBuckets.bounds(buckets);
        return (byHours ? slots.sumBucketsByHours(installationId, bounds) : slots.sumBuckets(installationId, bounds))
                .map(sums -> {
                    List<ChartPoint> points = new ArrayList<>(buckets.size());
                    long total = 0;
                    for (int i = 0; i < buckets.size(); i++) {
                        total += sums[i][0];
                        points.add(new ChartPoint(buckets.get(i).label(), sums[i][0] / 1000.0,
                                buckets.get(i).start().getEpochSecond(), sums[i][1] == 1));
                    }
                    return new ChartView(points, frame.wire(), total / 1000.0, "Wh", zone.getId());
                });
    }

    /**
     * The same chart computed from raw readings (no rollups): the reference for tests and benchmarks.
     *
     * @param installationId installation id
     * @param frame time frame
     * @param zone zone
     * @param end chart end
     * @return the chart
     */
    public Uni<ChartView> chartFromRaw(long installationId, TimeFrame frame, ZoneId zone, Instant end) {
        List<CalendarBucket> buckets = CalendarBuckets.forFrame(frame, zone, end);
        BucketGrid grid = new BucketGrid(CalendarBuckets.bounds(buckets));
        return load(slots.pool(), installationId, grid)
                .map(window -> {
                    booker.book(window.samples(), grid, window.capacityW());
                    List<ChartPoint> points = new ArrayList<>(buckets.size());
                    for (int i = 0; i < buckets.size(); i++) {
                        points.add(new ChartPoint(buckets.get(i).label(), grid.energyMwh(i) / 1000.0,
                                buckets.get(i).start().getEpochSecond(), grid.estimated(i)));
                    }
                    return new ChartView(points, frame.wire(), grid.totalMwh() / 1000.0, "Wh", zone.getId());
                });
    }

    /**
     * Lifetime and today's energy, current power, last reading age and uptime.
     *
     * @param installationId installation id
     * @return the summary; {@link NotFoundException} when the installation is unknown
     */
    @WithSession
    public Uni<SummaryView> summary(long installationId) {
        return installations.require(installationId).chain(installation -> {
            ZoneId zone = ZoneId.of(installation.timezone);
            Instant now = Instant.now();
            long midnight = LocalDate.ofInstant(now, zone).atStartOfDay(zone).toInstant().toEpochMilli();
            return readings.latestByTime(installation.id).chain(latest -> readings.firstReadingMs(installation.id)
                    .chain(first -> uptimeStart(latest)
                            .chain(bootStart -> slots.totalSince(installation.id, Long.MIN_VALUE)
                                    .chain(lifetime -> slots.totalSince(installation.id, Slots.floor(midnight))
                                            .map(today -> summary(installation, latest, first, bootStart, lifetime,
                                                    today, now))))));
        });
    }

    private Uni<Long> uptimeStart(Reading latest) {
        if (latest == null) {
            return Uni.createFrom().nullItem();
        }
        return readings.bootStartMs(latest.deviceId, latest.boot);
    }

    private static SummaryView summary(Installation installation, Reading latest, Long firstMs, Long bootStartMs,
            long lifetimeMwh, long todayMwh, Instant now) {
        Long lastAt = latest == null ? null : Math.floorDiv(latest.timestampMs, 1000L);
        Long age = latest == null ? null : Math.max(0, (now.toEpochMilli() - latest.timestampMs) / 1000);
        Long uptime = latest == null || bootStartMs == null ? null : (latest.timestampMs - bootStartMs) / 1000;
        return new SummaryView(installation.id, latest == null ? null : latest.powerW, lastAt, age, todayMwh / 1000.0,
                lifetimeMwh / 1000.0, firstMs == null ? null : Math.floorDiv(firstMs, 1000L),
                latest == null ? null : latest.boot, uptime, installation.timezone);
    }
}
