package io.wattwitness.chainlistener.service;

import java.util.List;
import java.util.Optional;

/** Durable listener position (PostgreSQL in the service, in memory in unit tests). */
public interface CursorStore {

    /** The stored cursor of a scope. */
    Optional<ChainCursor> load(String scope);

    /**
     * Starts a scope afresh: stores {@code cursor} and forgets the scope's checkpoints and recorded events.
     */
    void reset(ChainCursor cursor);

    /**
     * Moves the cursor to {@code block} (all events up to it handled) and keeps it as a checkpoint; only the newest
     * {@code history} checkpoints are kept.
     */
    void advance(String scope, BlockRef block, int history);

    /** The scope's checkpoints (hashes of processed range ends), any order. */
    List<BlockRef> checkpoints(String scope);

    /**
     * Moves the cursor back after a reorganisation and forgets checkpoints and recorded events above the new
     * position, so that they are processed again.
     *
     * @param number block to resume after (-1 for before block 0)
     * @param hash   its hash (null for -1)
     */
    void rewind(String scope, long number, String hash);
}
