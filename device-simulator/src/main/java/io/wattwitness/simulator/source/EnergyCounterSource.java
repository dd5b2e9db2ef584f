package io.wattwitness.simulator.source;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Replays an energy counter (Wh) that restarts from zero now and then, such as the inverter counter of
 * {@code system_10004_ac_energy.csv} which restarts every morning.
 * <p>
 * The counter is turned into a cumulative production curve in mWh: between two samples it grows by the counter's
 * delta; at a restart (the counter goes down) it grows by the new value, which was produced after the restart.
 * Where that production happened is unknown; it is placed in the interval just before the restarted sample, as long
 * as the following sampling step (or the gap, when shorter). The first sample is treated the same way (the counter
 * started from 0 one step before it). Between curve points the production is linear; power is the slope of the
 * curve (W). A counter restart is not a meter register restart: the simulated register keeps growing.
 * Immutable.
 */
public final class EnergyCounterSource implements ProductionSource {

    private final long[] timesMs;
    private final long[] cumulativeMwh;

    private EnergyCounterSource(long[] timesMs, long[] cumulativeMwh) {
        this.timesMs = timesMs;
        this.cumulativeMwh = cumulativeMwh;
    }

    /**
     * @param timesMs sample instants, Unix ms, strictly increasing, at least 2
     * @param counterWh counter values in Wh, ≥ 0
     * @return the source
     * @throws IllegalArgumentException on fewer than 2 samples, non-increasing times or negative counter values
     */
    public static EnergyCounterSource ofDailyCounter(long[] timesMs, double[] counterWh) {
        if (timesMs.length != counterWh.length || timesMs.length < 2) {
            throw new IllegalArgumentException("need at least 2 samples with one value each");
        }
        List<long[]> points = new ArrayList<>();
        long cumulative = 0;
        long previousCounter = 0;
        for (int i = 0; i < timesMs.length; i++) {
            if (counterWh[i] < 0) {
                throw new IllegalArgumentException("energy counter must not be negative (index " + i + ")");
            }
            if (i > 0 && timesMs[i] <= timesMs[i - 1]) {
                throw new IllegalArgumentException("sample times must increase strictly (index " + i + ")");
            }
            long counter = Math.round(counterWh[i] * 1000);
            if (i == 0 || counter < previousCounter) {
                long nextStep = i + 1 < timesMs.length ? timesMs[i + 1] - timesMs[i] : timesMs[i] - timesMs[i - 1];
                long gap = i == 0 ? nextStep : timesMs[i] - timesMs[i - 1];
                long restartedAt = timesMs[i] - Math.min(nextStep, gap);
                if (i == 0 || restartedAt > timesMs[i - 1]) {
                    points.add(new long[] {restartedAt, cumulative});
                }
                cumulative += counter;
            } else {
                cumulative += counter - previousCounter;
            }
            points.add(new long[] {timesMs[i], cumulative});
            previousCounter = counter;
        }
        long[] times = new long[points.size()];
        long[] cumulativeMwh = new long[points.size()];
        for (int i = 0; i < times.length; i++) {
            times[i] = points.get(i)[0];
            cumulativeMwh[i] = points.get(i)[1];
        }
        return new EnergyCounterSource(times, cumulativeMwh);
    }

    /**
     * @param time the instant
     * @return production since the start of the series in mWh, rounded down; 0 before, the total after
     */
    public long cumulativeMwh(Instant time) {
        long t = time.toEpochMilli();
        if (t <= timesMs[0]) {
            return 0;
        }
        if (t >= timesMs[timesMs.length - 1]) {
            return cumulativeMwh[cumulativeMwh.length - 1];
        }
        int i = segment(t);
        long span = timesMs[i + 1] - timesMs[i];
        return cumulativeMwh[i] + Math.floorDiv((cumulativeMwh[i + 1] - cumulativeMwh[i]) * (t - timesMs[i]), span);
    }

    private int segment(long t) {
        int index = Arrays.binarySearch(timesMs, t);
        return index >= 0 ? index : -index - 2;
    }

    /** Power is the slope of the production curve: W = 3600 · mWh / ms. */
    @Override
    public double powerW(Instant time) {
        long t = time.toEpochMilli();
        if (t < timesMs[0] || t >= timesMs[timesMs.length - 1]) {
            return 0;
        }
        int i = segment(t);
        return 3600.0 * (cumulativeMwh[i + 1] - cumulativeMwh[i]) / (timesMs[i + 1] - timesMs[i]);
    }

    /** Exact difference of {@link #cumulativeMwh}: a whole number of mWh, so the register follows the counter. */
    @Override
    public double productionMwh(Instant from, Instant to) {
        return Math.max(0, cumulativeMwh(to) - cumulativeMwh(from));
    }

    /** @return the curve's first point: one sampling step before the first sample */
    @Override
    public Optional<Instant> firstInstant() {
        return Optional.of(Instant.ofEpochMilli(timesMs[0]));
    }

    @Override
    public Optional<Instant> lastInstant() {
        return Optional.of(Instant.ofEpochMilli(timesMs[timesMs.length - 1]));
    }
}
