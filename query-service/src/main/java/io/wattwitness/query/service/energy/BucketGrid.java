package io.wattwitness.query.service.energy;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Contiguous time buckets {@code [b0, b1), [b1, b2), … [b(n-1), bn)} (Unix ms) that accumulate booked energy, an
 * estimated flag, and the readings that fall in each bucket. Filled by {@link EnergyBooker}; not thread-safe.
 * <p>
 * Energy is spread over an interval in proportion to time with exact integer arithmetic: the cumulative share
 * {@code floor(E × (t − ta) / (tb − ta))} is evaluated at every boundary, so the shares of one interval always add
 * up to E over the part of the interval the grid covers.
 */
public final class BucketGrid {

    private final long[] bounds;
    private final long[] energyMwh;
    private final boolean[] estimated;
    private final int[] readingCount;
    private final long[] firstMs;
    private final long[] firstEnergyMwh;
    private final long[] lastMs;
    private final long[] lastEnergyMwh;

    /**
     * @param bounds strictly ascending boundaries, at least two (one bucket)
     * @throws IllegalArgumentException when the boundaries are not strictly ascending
     */
    public BucketGrid(long[] bounds) {
        if (bounds.length < 2) {
            throw new IllegalArgumentException("a grid needs at least one bucket");
        }
        for (int i = 1; i < bounds.length; i++) {
            if (bounds[i] <= bounds[i - 1]) {
                throw new IllegalArgumentException("bucket boundaries must be strictly ascending");
            }
        }
        this.bounds = bounds.clone();
        int n = bounds.length - 1;
        this.energyMwh = new long[n];
        this.estimated = new boolean[n];
        this.readingCount = new int[n];
        this.firstMs = new long[n];
        this.firstEnergyMwh = new long[n];
        this.lastMs = new long[n];
        this.lastEnergyMwh = new long[n];
        Arrays.fill(firstEnergyMwh, -1);
        Arrays.fill(lastEnergyMwh, -1);
    }

    /**
     * A grid of equal buckets.
     *
     * @param startMs start of the first bucket, Unix ms
     * @param sizeMs bucket length, ms
     * @param count number of buckets
     * @return the grid
     */
    public static BucketGrid uniform(long startMs, long sizeMs, int count) {
        long[] bounds = new long[count + 1];
        for (int i = 0; i <= count; i++) {
            bounds[i] = startMs + i * sizeMs;
        }
        return new BucketGrid(bounds);
    }

    /** @return the number of buckets */
    public int size() {
        return energyMwh.length;
    }

    /** @return the start of the first bucket, Unix ms */
    public long startMs() {
        return bounds[0];
    }

    /** @return the end of the last bucket (exclusive), Unix ms */
    public long endMs() {
        return bounds[bounds.length - 1];
    }

    /**
     * @param i bucket index
     * @return bucket start, Unix ms
     */
    public long bucketStartMs(int i) {
        return bounds[i];
    }

    /**
     * @param i bucket index
     * @return energy booked into the bucket, mWh
     */
    public long energyMwh(int i) {
        return energyMwh[i];
    }

    /**
     * @param i bucket index
     * @return whether part of the bucket lies in a gap or was integrated from power
     */
    public boolean estimated(int i) {
        return estimated[i];
    }

    /**
     * @param i bucket index
     * @return readings whose time falls in the bucket
     */
    public int readingCount(int i) {
        return readingCount[i];
    }

    /**
     * @param i bucket index
     * @return time of the first reading in the bucket, Unix ms (meaningful when {@link #readingCount} &gt; 0)
     */
    public long firstMs(int i) {
        return firstMs[i];
    }

    /**
     * @param i bucket index
     * @return register of the first reading in the bucket, mWh, or −1 when it had none
     */
    public long firstEnergyMwh(int i) {
        return firstEnergyMwh[i];
    }

    /**
     * @param i bucket index
     * @return time of the last reading in the bucket, Unix ms
     */
    public long lastMs(int i) {
        return lastMs[i];
    }

    /**
     * @param i bucket index
     * @return register of the last reading in the bucket, mWh, or −1 when it had none
     */
    public long lastEnergyMwh(int i) {
        return lastEnergyMwh[i];
    }

    /** @return the sum of all buckets, mWh */
    public long totalMwh() {
        long total = 0;
        for (long value : energyMwh) {
            total += value;
        }
        return total;
    }

    /**
     * Whether anything happened in a bucket: a reading, booked energy or an estimate.
     *
     * @param i bucket index
     * @return true when the bucket carries information
     */
    public boolean touched(int i) {
        return readingCount[i] > 0 || energyMwh[i] != 0 || estimated[i];
    }

    /**
     * Index of the bucket holding an instant.
     *
     * @param ms Unix ms
     * @return the index with {@code b(i) ≤ ms < b(i+1)}, or −1 outside the grid
     */
    public int indexOf(long ms) {
        if (ms < bounds[0] || ms >= bounds[bounds.length - 1]) {
            return -1;
        }
        int found = Arrays.binarySearch(bounds, ms);
        return found >= 0 ? found : -found - 2;
    }

    void countReading(EnergySample sample) {
        int i = indexOf(sample.timestampMs());
        if (i < 0) {
            return;
        }
        long energy = sample.hasRegister() ? sample.energyMwh() : -1;
        if (readingCount[i] == 0) {
            firstMs[i] = sample.timestampMs();
            firstEnergyMwh[i] = energy;
        }
        readingCount[i]++;
        lastMs[i] = sample.timestampMs();
        lastEnergyMwh[i] = energy;
    }

    /**
     * Marks every bucket overlapping the open interval (ta, tb) as estimated.
     */
    void markEstimated(long ta, long tb) {
        for (int i = firstOverlap(ta); i >= 0 && i < size() && bounds[i] < tb; i++) {
            estimated[i] = true;
        }
    }

    /**
     * Spreads energy over the interval (ta, tb] in proportion to time; a zero-length interval books into the
     * bucket holding tb. Parts outside the grid are not booked.
     */
    void spread(long ta, long tb, long energy, boolean isEstimate) {
        if (tb <= ta) {
            int i = indexOf(tb);
            if (i >= 0) {
                energyMwh[i] += energy;
                estimated[i] |= isEstimate;
            }
            return;
        }
        for (int i = firstOverlap(ta); i >= 0 && i < size() && bounds[i] < tb; i++) {
            long from = Math.max(bounds[i], ta);
            long to = Math.min(bounds[i + 1], tb);
            energyMwh[i] += share(energy, ta, tb, from, to);
            estimated[i] |= isEstimate;
        }
    }

    private static long share(long energy, long ta, long tb, long from, long to) {
        return cumulative(energy, to - ta, tb - ta) - cumulative(energy, from - ta, tb - ta);
    }

    private static long cumulative(long energy, long elapsed, long length) {
        if (elapsed >= length) {
            return energy;
        }
        if (elapsed <= 0) {
            return 0;
        }
        long high = Math.multiplyHigh(energy, elapsed);
        if (high == 0 && energy * elapsed >= 0) {
            return Math.floorDiv(energy * elapsed, length);
        }
        return BigInteger.valueOf(energy).multiply(BigInteger.valueOf(elapsed))
                .divide(BigInteger.valueOf(length)).longValueExact();
    }

    private int firstOverlap(long ta) {
        if (ta < bounds[0]) {
            return 0;
        }
        if (ta >= bounds[bounds.length - 1]) {
            return -1;
        }
        return indexOf(ta);
    }
}
