package io.wattwitness.chainlistener.service;

import java.util.Optional;

/**
 * Cuts the blocks between the cursor and the target block into bounded {@code eth_getLogs} ranges, oldest first.
 * Nodes cap the block span (and result size) of one {@code eth_getLogs} call, so the listener never asks for more
 * than {@code maxRangeSize} blocks at once, however long it was away.
 */
public final class BlockRangePlanner {

    private final long maxRangeSize;

    /**
     * @param maxRangeSize largest number of blocks in one range, >= 1 (default in config: 2,048)
     */
    public BlockRangePlanner(long maxRangeSize) {
        if (maxRangeSize < 1) {
            throw new IllegalArgumentException("range size must be >= 1, got " + maxRangeSize);
        }
        this.maxRangeSize = maxRangeSize;
    }

    /**
     * The next range to scan.
     *
     * @param lastProcessed last block fully handled (-1 before block 0)
     * @param target        highest block the listener may read (finalized or head minus confirmation depth)
     * @return the range [lastProcessed + 1, min(target, lastProcessed + maxRangeSize)], or empty when caught up
     */
    public Optional<BlockRange> next(long lastProcessed, long target) {
        if (lastProcessed < -1) {
            throw new IllegalArgumentException("last processed block must be >= -1, got " + lastProcessed);
        }
        long from = lastProcessed + 1;
        if (from > target) {
            return Optional.empty();
        }
        long to = Math.min(target, from + maxRangeSize - 1);
        return Optional.of(new BlockRange(from, to));
    }
}
