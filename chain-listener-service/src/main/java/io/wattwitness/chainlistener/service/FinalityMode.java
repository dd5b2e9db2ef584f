package io.wattwitness.chainlistener.service;

/** How the listener decides which blocks are settled enough to read. */
public enum FinalityMode {
    /**
     * Up to the node's {@code finalized} block (Avalanche since Helicon, Ethereum, anvil). When the node does not know
     * the tag, the listener falls back to {@link #CONFIRMATIONS}.
     */
    FINALIZED,
    /** Up to head minus the configured confirmation depth. */
    CONFIRMATIONS
}
