package io.wattwitness.chainlistener.service;

import java.util.Locale;
import java.util.Objects;

/**
 * One block as the listener remembers it.
 *
 * @param number     block number (height), >= 0
 * @param hash       block hash, "0x" + 64 lowercase hex
 * @param parentHash parent block hash, "0x" + 64 lowercase hex
 */
public record BlockRef(long number, String hash, String parentHash) {

    public BlockRef {
        if (number < 0) {
            throw new IllegalArgumentException("block number must be >= 0, got " + number);
        }
        Objects.requireNonNull(hash, "hash");
        hash = hash.toLowerCase(Locale.ROOT);
        parentHash = parentHash == null ? null : parentHash.toLowerCase(Locale.ROOT);
    }
}
