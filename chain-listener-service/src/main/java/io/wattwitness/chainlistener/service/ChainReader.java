package io.wattwitness.chainlistener.service;

import java.util.List;
import java.util.Optional;

/**
 * What the listener reads from the chain. Every method throws {@link TransientFailure} when the node cannot be
 * reached or answers with an error.
 */
public interface ChainReader {

    /** {@code eth_chainId}. */
    long chainId();

    /** The latest block ({@code eth_getBlockByNumber("latest")}). */
    BlockRef head();

    /**
     * The {@code finalized} block.
     *
     * @return empty when the node does not know the tag (an RPC error or no result), so the caller can fall back to
     *         a confirmation depth; a node that cannot be reached throws {@link TransientFailure} instead
     */
    Optional<BlockRef> finalized();

    /** The canonical block at {@code number}, empty when the node has no block there. */
    Optional<BlockRef> block(long number);

    /**
     * The contract's events in a range, with {@code eth_getLogs} over explicit block numbers.
     *
     * @return decoded events ordered by block number and log index; logs of other events are left out
     */
    List<AnchorEvent> events(BlockRange range);
}
