package io.wattwitness.chainlistener.service;

/**
 * The listener's position on one chain for one contract.
 *
 * @param scope           "&lt;chain id&gt;:&lt;contract address, lowercase&gt;"
 * @param chainId         EIP-155 chain id (43113 Fuji and local anvil, 43114 Avalanche C-Chain)
 * @param contractAddress WattWitnessAnchor address, "0x" + 40 lowercase hex
 * @param genesisHash     hash of block 0; another one means the chain was reset (a fresh local node)
 * @param blockNumber     last block whose events were all handled; start block - 1 before the first range
 * @param blockHash       its hash, null only when blockNumber is -1
 */
public record ChainCursor(String scope, long chainId, String contractAddress, String genesisHash, long blockNumber,
        String blockHash) {

    /** The same cursor moved to another block. */
    public ChainCursor at(long number, String hash) {
        return new ChainCursor(scope, chainId, contractAddress, genesisHash, number, hash);
    }
}
