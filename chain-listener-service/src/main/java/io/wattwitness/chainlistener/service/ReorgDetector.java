package io.wattwitness.chainlistener.service;

import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * Finds where the listener's view of the chain and the node's canonical chain part ways.
 *
 * <p>The listener stores the hash of every range end it processed (checkpoints). A reorganisation shows as the stored
 * hash of a block differing from the node's hash at that number. The common ancestor is the newest checkpoint whose
 * hash the node still has at that number; everything after it is rescanned. Blocks are hash-linked, so a matching
 * checkpoint implies that all earlier blocks match too.
 */
public final class ReorgDetector {

    /**
     * @param stored         stored checkpoints, any order
     * @param canonicalHash  the node's hash at a block number, empty when the node has no such block (yet)
     * @return true when the newest stored checkpoint is still on the canonical chain (or nothing is stored)
     */
    public boolean isCanonical(BlockRef stored, LongFunction<Optional<String>> canonicalHash) {
        return canonicalHash.apply(stored.number())
                .map(hash -> hash.equalsIgnoreCase(stored.hash()))
                .orElse(false);
    }

    /**
     * The common ancestor among the stored checkpoints.
     *
     * @param checkpoints    stored checkpoints, any order
     * @param canonicalHash  the node's hash at a block number, empty when the node has no such block
     * @return the newest checkpoint still canonical, or empty when none is (a reorganisation deeper than the stored
     *         history, or a different chain): the caller then rescans from its start block
     */
    public Optional<BlockRef> commonAncestor(List<BlockRef> checkpoints,
            LongFunction<Optional<String>> canonicalHash) {
        return checkpoints.stream()
                .sorted((a, b) -> Long.compare(b.number(), a.number()))
                .filter(checkpoint -> isCanonical(checkpoint, canonicalHash))
                .findFirst();
    }
}
