package io.wattwitness.query.rest.model;

import java.time.Instant;

/**
 * @param state fresh | stale | none
 * @param lastBatchId last anchored batch with a reading of the installation, or null
 * @param lastAnchoredAt when it was marked, or null
 * @param ageS its age, s, or null
 * @param blockchainTxHash tx or null
 * @param blockchainBlockNumber block or null
 */
public record Anchoring(String state, Long lastBatchId, Instant lastAnchoredAt, Long ageS, String blockchainTxHash,
        Long blockchainBlockNumber) {
}
