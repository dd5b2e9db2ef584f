package io.wattwitness.simulator.source;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * Replays a measured power series, linearly interpolated between samples. Power is reported as measured, negative
 * night-time values included; production is the exact integral of the positive part of the interpolated curve, so
 * the register never decreases. A step between samples longer than {@value #HOLE_STEPS} times the series' median
 * step is a hole in the record (a logger outage, rows without a number): there the power is 0 and nothing is
 * produced, so a replay never creates energy the series does not contain; shorter steps (a missing row or two) are
 * bridged by the straight line. Outside the series the power is 0. Immutable.
 */
public final class PowerSeriesSource implements ProductionSource {

    /** A step longer than this many median steps is a hole in the record. */
    public static final int HOLE_STEPS = 4;

    private final long[] timesMs;
    private final double[] watts;
    private final long holeMs;

    /**
     * @param timesMs sample instants, Unix ms, strictly increasing, at least 2
     * @param values sample values
     * @param scale factor turning a value into watts (1 for W, the capacity for normalised power)
     * @throws IllegalArgumentException when the arrays differ in length, are too short or times do not increase
     */
    public PowerSeriesSource(long[] timesMs, double[] values, double scale) {
        if (timesMs.length != values.length || timesMs.length < 2) {
            throw new IllegalArgumentException("need at least 2 samples with one value each");
        }
        for (int i = 1; i < timesMs.length; i++) {
            if (timesMs[i] <= timesMs[i - 1]) {
                throw new IllegalArgumentException("sample times must increase strictly (index " + i + ")");
            }
        }
        this.timesMs = timesMs.clone();
        this.watts = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            watts[i] = values[i] * scale;
        }
        long[] steps = new long[timesMs.length - 1];
        for (int i = 1; i < timesMs.length; i++) {
            steps[i - 1] = timesMs[i] - timesMs[i - 1];
        }
        Arrays.sort(steps);
        this.holeMs = HOLE_STEPS * steps[steps.length / 2];
    }

    /** @return whether the step after sample {@code i} is a hole in the record */
    private boolean hole(int i) {
        return i + 1 < timesMs.length && timesMs[i + 1] - timesMs[i] > holeMs;
    }

    @Override
    public double powerW(Instant time) {
        return at(time.toEpochMilli());
    }

    private double at(long t) {
        if (t < timesMs[0] || t > timesMs[timesMs.length - 1]) {
            return 0;
        }
        int i = segment(t);
        if (i == timesMs.length - 1 || t == timesMs[i]) {
            return watts[i];
        }
        return hole(i) ? 0 : interpolated(i, t);
    }

    /** Index of the last sample at or before t (t within range). */
    private int segment(long t) {
        int index = Arrays.binarySearch(timesMs, t);
        return index >= 0 ? index : -index - 2;
    }

    @Override
    public double productionMwh(Instant from, Instant to) {
        long start = Math.max(from.toEpochMilli(), timesMs[0]);
        long end = Math.min(to.toEpochMilli(), timesMs[timesMs.length - 1]);
        double mwh = 0;
        long t = start;
        while (t < end) {
            int i = segment(t);
            long segmentEnd = Math.min(end, timesMs[i + 1]);
            if (!hole(i)) {
                mwh += positiveArea(interpolated(i, t), interpolated(i, segmentEnd), segmentEnd - t);
            }
            t = segmentEnd;
        }
        return mwh;
    }

    private double interpolated(int i, long t) {
        double fraction = (t - timesMs[i]) / (double) (timesMs[i + 1] - timesMs[i]);
        return watts[i] + (watts[i + 1] - watts[i]) * fraction;
    }

    /** Integral of max(p, 0) for p linear from a to b over ms milliseconds, in mWh. */
    static double positiveArea(double a, double b, long ms) {
        double area;
        if (a >= 0 && b >= 0) {
            area = (a + b) / 2 * ms;
        } else if (a <= 0 && b <= 0) {
            area = 0;
        } else {
            double positive = Math.max(a, b);
            double fraction = positive / (Math.abs(a) + Math.abs(b));
            area = positive / 2 * fraction * ms;
        }
        return area / 3600.0;
    }

    @Override
    public Optional<Instant> firstInstant() {
        return Optional.of(Instant.ofEpochMilli(timesMs[0]));
    }

    @Override
    public Optional<Instant> lastInstant() {
        return Optional.of(Instant.ofEpochMilli(timesMs[timesMs.length - 1]));
    }
}
