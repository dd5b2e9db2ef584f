package io.wattwitness.query.rest.model;

/**
 * @param chainId EVM chain id
 * @param rpcUrl public JSON-RPC URL
 * @param contractAddress anchor contract or null
 * @param explorerTxUrlTemplate URL with {tx}, or null
 */
public record ChainView(long chainId, String rpcUrl, String contractAddress, String explorerTxUrlTemplate) {
}
