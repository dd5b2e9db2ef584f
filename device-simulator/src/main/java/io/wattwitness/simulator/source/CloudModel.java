package io.wattwitness.simulator.source;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random cloud passages: a seeded sequence of non-overlapping clouds, each with a start, a duration and an opacity,
 * with one-minute linear edges. The sequence is generated lazily from {@code origin} onwards and depends only on the
 * seed and the parameters, so the same seed always gives the same sky. Not thread-safe.
 */
public final class CloudModel {

    private static final long EDGE_MS = Duration.ofMinutes(1).toMillis();

    private final Random random;
    private final double meanGapMinutes;
    private final double minDurationMinutes;
    private final double maxDurationMinutes;
    private final double minOpacity;
    private final double maxOpacity;
    private final long originMs;
    private final List<long[]> spans = new ArrayList<>();
    private final List<Double> opacities = new ArrayList<>();
    private long generatedUntilMs;

    /**
     * @param seed random seed
     * @param origin no clouds before this instant
     * @param meanGapMinutes mean clear interval between clouds (exponentially distributed), &gt; 0
     * @param minDurationMinutes shortest cloud, &gt; 0
     * @param maxDurationMinutes longest cloud, ≥ minimum
     * @param minOpacity weakest attenuation, 0..1
     * @param maxOpacity strongest attenuation, minimum..1
     * @throws IllegalArgumentException on out-of-range parameters
     */
    public CloudModel(long seed, Instant origin, double meanGapMinutes, double minDurationMinutes,
            double maxDurationMinutes, double minOpacity, double maxOpacity) {
        if (!(meanGapMinutes > 0) || !(minDurationMinutes > 0) || maxDurationMinutes < minDurationMinutes) {
            throw new IllegalArgumentException("cloud gap and durations must be positive, max >= min");
        }
        if (minOpacity < 0 || maxOpacity > 1 || maxOpacity < minOpacity) {
            throw new IllegalArgumentException("cloud opacity must satisfy 0 <= min <= max <= 1");
        }
        this.random = new Random(seed);
        this.meanGapMinutes = meanGapMinutes;
        this.minDurationMinutes = minDurationMinutes;
        this.maxDurationMinutes = maxDurationMinutes;
        this.minOpacity = minOpacity;
        this.maxOpacity = maxOpacity;
        this.originMs = origin.toEpochMilli();
        this.generatedUntilMs = originMs;
    }

    /**
     * A typical partly cloudy sky: a cloud every 45 min on average, 3–25 min long, opacity 0.3–0.8.
     *
     * @param seed random seed
     * @param origin no clouds before this instant
     * @return the model
     */
    public static CloudModel partlyCloudy(long seed, Instant origin) {
        return new CloudModel(seed, origin, 45, 3, 25, 0.3, 0.8);
    }

    /**
     * @param time the instant
     * @return the fraction of clear-sky irradiance that passes, within [1 − maxOpacity, 1]
     */
    public double transmittance(Instant time) {
        long t = time.toEpochMilli();
        if (t < originMs) {
            return 1;
        }
        while (generatedUntilMs <= t) {
            long gap = (long) (-Math.log(1 - random.nextDouble()) * meanGapMinutes * 60_000);
            long length = (long) ((minDurationMinutes + random.nextDouble() * (maxDurationMinutes - minDurationMinutes))
                    * 60_000);
            double opacity = minOpacity + random.nextDouble() * (maxOpacity - minOpacity);
            long start = generatedUntilMs + gap;
            spans.add(new long[] {start, start + length});
            opacities.add(opacity);
            generatedUntilMs = start + length;
        }
        int index = lastStartingAtOrBefore(t);
        if (index < 0) {
            return 1;
        }
        long start = spans.get(index)[0];
        long end = spans.get(index)[1];
        if (t >= end) {
            return 1;
        }
        double edge = Math.min(1, Math.min(t - start, end - t) / (double) EDGE_MS);
        return 1 - opacities.get(index) * edge;
    }

    private int lastStartingAtOrBefore(long t) {
        int low = 0;
        int high = spans.size() - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (spans.get(mid)[0] <= t) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found;
    }
}
