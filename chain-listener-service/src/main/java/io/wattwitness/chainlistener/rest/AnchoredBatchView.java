package io.wattwitness.chainlistener.rest;

import io.wattwitness.chainlistener.repository.BatchRecordEntity;

/**
 * One anchored batch as the listener handled it (roots "0x" + 64 hex, times Unix s).
 */
public record AnchoredBatchView(long batchId, String status, String onchainRoot, String sealedRoot, int readingCount,
        long firstReadingTime, long lastReadingTime, String workflowId, String blockchainTxHash,
        long blockchainBlockNumber, String blockHash, int logIndex, Integer markedCount, String handledAt) {

    static AnchoredBatchView of(BatchRecordEntity row) {
        return new AnchoredBatchView(row.batchId, row.status.name(), row.onchainRoot, row.sealedRoot,
                row.readingCount, row.firstReadingTime, row.lastReadingTime, row.workflowId, row.txHash,
                row.blockNumber, row.blockHash, row.logIndex, row.markedCount,
                row.handledAt == null ? null : row.handledAt.toString());
    }
}
