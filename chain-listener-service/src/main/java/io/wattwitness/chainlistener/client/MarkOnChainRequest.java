package io.wattwitness.chainlistener.client;

/**
 * Body of mark-on-chain, batch form.
 *
 * @param batchId               sealed batch id
 * @param blockchainTxHash      anchoring transaction, "0x" + 64 hex
 * @param blockchainBlockNumber anchoring block number
 * @param merkleRoot            root read from the BatchAnchored event, "0x" + 64 hex
 */
public record MarkOnChainRequest(long batchId, String blockchainTxHash, long blockchainBlockNumber,
        String merkleRoot) {
}
