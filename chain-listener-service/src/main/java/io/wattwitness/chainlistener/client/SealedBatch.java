package io.wattwitness.chainlistener.client;

/**
 * The part of query-service's Batch the listener reads (JSON snake_case; other fields ignored).
 *
 * @param batchId               batch id
 * @param merkleRoot            "0x" + 64 hex (reading-format SPEC, Merkle)
 * @param readingCount          readings in the batch
 * @param isOnChain             whether query-service already marked it
 * @param blockchainTxHash      anchoring transaction, when marked
 * @param blockchainBlockNumber anchoring block, when marked
 */
public record SealedBatch(long batchId, String merkleRoot, Integer readingCount, Boolean isOnChain,
        String blockchainTxHash, Long blockchainBlockNumber) {
}
