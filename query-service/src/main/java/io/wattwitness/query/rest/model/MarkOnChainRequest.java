package io.wattwitness.query.rest.model;

/**
 * Body of {@code POST /api/v1/readings/mark-on-chain/}: either the range form or the batch form.
 *
 * @param firstReadingId range form: first id
 * @param lastReadingId range form: last id
 * @param batchId batch form: batch id
 * @param blockchainTxHash 0x + 64 hex
 * @param blockchainBlockNumber ≥ 0
 * @param merkleRoot batch form: 0x + 64 hex, must equal the sealed root
 */
public record MarkOnChainRequest(Long firstReadingId, Long lastReadingId, Long batchId, String blockchainTxHash,
        Long blockchainBlockNumber, String merkleRoot) {
}
