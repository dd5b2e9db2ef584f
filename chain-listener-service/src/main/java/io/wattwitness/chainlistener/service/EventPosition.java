package io.wattwitness.chainlistener.service;

/**
 * Where an event sits on the chain.
 *
 * @param txHash      transaction hash, "0x" + 64 lowercase hex
 * @param blockNumber block number
 * @param blockHash   block hash, "0x" + 64 lowercase hex
 * @param logIndex    index of the log in its block
 */
public record EventPosition(String txHash, long blockNumber, String blockHash, int logIndex) {
}
