package io.wattwitness.query.service.energy;

/**
 * The rollup slot grid: 5-minute slots aligned to the Unix epoch. Every current IANA offset is a multiple of
 * 15 minutes, so local 10-minute, hour, day and month boundaries all fall on slot boundaries.
 */
public final class Slots {

    /** Slot length in ms (5 minutes). */
    public static final long SLOT_MS = 300_000;

    private Slots() {
    }

    /**
     * @param ms Unix ms
     * @return the start of the slot holding {@code ms}
     */
    public static long floor(long ms) {
        return Math.floorDiv(ms, SLOT_MS) * SLOT_MS;
    }

    /**
     * @param ms Unix ms
     * @return whether {@code ms} is a slot boundary
     */
    public static boolean isBoundary(long ms) {
        return Math.floorMod(ms, SLOT_MS) == 0;
    }

    /**
     * A grid of whole slots covering [fromMs, toMs].
     *
     * @param fromMs first instant to cover
     * @param toMs last instant to cover (inclusive)
     * @return the grid, from floor(fromMs) to floor(toMs) + one slot
     */
    public static BucketGrid covering(long fromMs, long toMs) {
        long start = floor(fromMs);
        int count = (int) ((floor(toMs) - start) / SLOT_MS) + 1;
        return BucketGrid.uniform(start, SLOT_MS, count);
    }
}
