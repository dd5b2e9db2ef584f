package io.wattwitness.chainlistener.service;

/**
 * How {@link ChainSync} follows the chain.
 *
 * @param startBlock        first block to scan (the contract's deployment block), >= 0
 * @param rangeSize         most blocks per eth_getLogs call, >= 1
 * @param finality          which blocks count as settled
 * @param confirmationDepth blocks below head considered settled when the node has no finalized tag, >= 0
 * @param checkpointHistory how many processed range ends are kept to find the common ancestor after a
 *                          reorganisation, >= 1
 */
public record SyncSettings(long startBlock, long rangeSize, FinalityMode finality, long confirmationDepth,
        int checkpointHistory) {

    public SyncSettings {
        if (startBlock < 0 || rangeSize < 1 || confirmationDepth < 0 || checkpointHistory < 1) {
            throw new IllegalArgumentException("invalid sync settings: start block " + startBlock + ", range size "
                    + rangeSize + ", confirmation depth " + confirmationDepth + ", checkpoint history "
                    + checkpointHistory);
        }
    }
}
