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
import io.wattwitness.query.service.energy.Slots;
import io.wattwitness.query.service.energy.TimeFrame;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Energy analytics over the 5-minute rollups: rollup maintenance from verified
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
     * Rebuilds the rollup slots a reading affects, and the register state of the readings in them.
     * <p>
     * The range is the one between the reading's counted neighbours, widened back to the reading before a held
     * register drop that reaches it (the reading may decide that drop, glitch or restart, which changes the energy
     * booked from the reading before the drop on), and forward to the reading that decides a held run starting
     * in the range (the reading may change that run's baseline) or to the first reading back at a high-water mark
     * the range holds (a late reading above the register that follows it raises the mark every later booking until
     * then is measured from).
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
                    BucketGrid grid = Slots.covering(from, to);
                    return slots.window(tx, installationId, grid.startMs() - lookbackMs, grid.endMs(),
                            grid.startMs() - heldLookbackMs)
                            .chain(window -> {
                                EnergyBooker.Outcome outcome = booker.book(window.samples(), grid, window.capacityW());
                                long earliest = outcome.dependsFromMs(from);
                                List<EnergySample> loaded = window.samples();
                                long lastMs = loaded.isEmpty() ? to : loaded.get(loaded.size() - 1).timestampMs();
                                long latest = outcome.dependsUntilMs(to, lastMs);
                                if (earliest >= grid.startMs() && latest < grid.endMs()) {
                                    return write(tx, installationId, window, grid, outcome);
                                }
                                Uni<Long> until = outcome.markOpenAt(to)
                                        ? slots.backAtMark(tx, installationId, lastMs, outcome.openMarkMwh())
                                                .map(back -> Math.max(latest, back))
                                        : Uni.createFrom().item(latest);
                                return until.chain(end -> {
                                    Log.debugf("installation %d: held register drop or high-water mark, rebuilding %d..%d",
                                            (Object) installationId, earliest, end);
                                    return rebuildIn(tx, installationId, Math.min(from, earliest), Math.max(to, end));
                                });
                            });
                }))
                .invoke(written -> Log.debugf("installation %d: %d rollup slots rebuilt around %d", (Object) installationId,
                        written, timestampMs));
    }

    /**
     * Rebuilds every slot of an installation between two instants (maintenance, benchmarks), and the register
     * state of the readings in them.
     *
     * @param installationId installation
     * @param fromMs start, Unix ms
     * @param toMs end, Unix ms
     * @return the number of slots written
     */
    public Uni<Integer> rebuild(long installationId, long fromMs, long toMs) {
        return slots.pool().withTransaction(tx -> slots.lockInstallation(tx, installationId)
                .chain(() -> rebuildIn(tx, installationId, fromMs, toMs)));
    }

    private Uni<Integer> rebuildIn(SqlClient tx, long installationId, long fromMs, long toMs) {
        BucketGrid grid = Slots.covering(fromMs, toMs);
        return slots.window(tx, installationId, grid.startMs() - lookbackMs, grid.endMs(),
                grid.startMs() - heldLookbackMs)
                .chain(window -> write(tx, installationId, window, grid,
                        booker.book(window.samples(), grid, window.capacityW())));
    }

    private Uni<Integer> write(SqlClient tx, long installationId, EnergySlotRepository.Window window, BucketGrid grid,
            EnergyBooker.Outcome outcome) {
        if (outcome.excessMwh() > 0 || outcome.glitches() > 0) {
            Log.debugf("installation %d: %d register glitches, %d mWh above the capacity ceiling not booked",
                    (Object) installationId, outcome.glitches(), outcome.excessMwh());
        }
        return slots.writeRegisterStates(tx, window, outcome.states(), grid.startMs(), grid.endMs())
                .chain(() -> slots.replace(tx, installationId, grid));
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
     * The chart of a time frame summed from the rollups, for a known installation (no session needed).
     *
     * @param installationId installation id
     * @param frame time frame
     * @param zone zone of the calendar buckets
     * @param end chart end
     * @return the chart
     */
    public Uni<ChartView> chartOf(long installationId, TimeFrame frame, ZoneId zone, Instant end) {
        List<CalendarBucket> buckets = CalendarBuckets.forFrame(frame, zone, end);
        return slots.sumBuckets(installationId, CalendarBuckets.bounds(buckets))
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
        return slots.window(slots.pool(), installationId, grid.startMs() - lookbackMs, grid.endMs(),
                grid.startMs() - heldLookbackMs)
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
