package io.wattwitness.chainlistener.service;

/**
 * An inclusive block range scanned with one {@code eth_getLogs} call.
 *
 * @param from first block, >= 0
 * @param to   last block, >= from
 */
public record BlockRange(long from, long to) {

    public BlockRange {
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("invalid block range [" + from + ", " + to + "]");
        }
    }
}
