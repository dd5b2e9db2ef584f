package io.wattwitness.chainlistener.client;

/**
 * Answer of mark-on-chain.
 *
 * @param batchId       batch id (null for the reading-range form)
 * @param marked        readings marked by this call
 * @param alreadyMarked true when the batch was marked before (idempotent repeat)
 */
public record MarkOnChainResult(Long batchId, long marked, boolean alreadyMarked) {
}
