package io.wattwitness.query.rest.model;

/**
 * @param batchId batch or null (range form)
 * @param marked readings newly marked
 * @param alreadyMarked whether the call repeated an earlier one
 */
public record MarkOnChainResult(Long batchId, int marked, boolean alreadyMarked) {
}
