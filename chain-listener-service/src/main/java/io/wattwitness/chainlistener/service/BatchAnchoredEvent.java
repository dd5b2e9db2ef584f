package io.wattwitness.chainlistener.service;

/**
 * {@code BatchAnchored(uint64 indexed batchId, bytes32 merkleRoot, uint32 readingCount, uint64 firstReadingTime,
 * uint64 lastReadingTime, bytes32 indexed workflowId)}.
 *
 * @param batchId          sealed batch id (query-service {@code batch_id}), >= 1
 * @param merkleRoot       anchored root, "0x" + 64 lowercase hex
 * @param readingCount     readings in the batch
 * @param firstReadingTime earliest reading time, Unix s
 * @param lastReadingTime  latest reading time, Unix s
 * @param workflowId       CRE workflow id from the report metadata, "0x" + 64 lowercase hex
 * @param position         where it was emitted
 */
public record BatchAnchoredEvent(long batchId, String merkleRoot, long readingCount, long firstReadingTime,
        long lastReadingTime, String workflowId, EventPosition position) implements AnchorEvent {
}
