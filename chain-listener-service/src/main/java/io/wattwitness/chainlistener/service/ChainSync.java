package io.wattwitness.chainlistener.service;

import io.quarkus.logging.Log;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Follows the anchoring contract from a durable cursor, one bounded range at a time, up to the settled part of the
 * chain, and hands every event to an {@link AnchorEventHandler}.
 *
 * <p>Guarantees: the cursor only moves past a range after every event in it was handled (a failing handler stops the
 * poll and the range is scanned again next time); a restart resumes after the stored cursor; a long outage replays
 * the whole gap in ranges of at most {@code rangeSize} blocks; a reorganisation (the stored hash of the cursor block,
 * or the parent hash of the next block, no longer matches the node) rewinds to the newest stored checkpoint still on
 * the canonical chain and the events after it are handled again.
 *
 * <p>Plain Java and blocking: call {@link #poll} from one worker thread at a time.
 */
public final class ChainSync {

    private static final int MAX_REWINDS_PER_POLL = 3;

    private final ChainReader chain;
    private final CursorStore store;
    private final AnchorEventHandler handler;
    private final SyncObserver observer;
    private final SyncSettings settings;
    private final String contractAddress;
    private final BlockRangePlanner planner;
    private final ReorgDetector detector = new ReorgDetector();

    private ChainCursor cursor;
    private boolean fallbackLogged;

    /**
     * @param contractAddress WattWitnessAnchor address, "0x" + 40 hex
     */
    public ChainSync(ChainReader chain, CursorStore store, AnchorEventHandler handler, SyncObserver observer,
            SyncSettings settings, String contractAddress) {
        this.chain = chain;
        this.store = store;
        this.handler = handler;
        this.observer = observer;
        this.settings = settings;
        this.contractAddress = contractAddress.toLowerCase(Locale.ROOT);
        this.planner = new BlockRangePlanner(settings.rangeSize());
    }

    /** The cursor as last loaded or moved, empty before the first poll reached the store. */
    public Optional<ChainCursor> cursor() {
        return Optional.ofNullable(cursor);
    }

    /**
     * Catches up with the chain: checks the cursor for a reorganisation, then scans ranges until the target block is
     * reached or {@code keepRunning} turns false.
     *
     * @throws TransientFailure when the node or the handler could not do its part now (a failing store throws its
     *                          own exception); either way the cursor stays after the last fully handled range
     */
    public PollResult poll(BooleanSupplier keepRunning) {
        if (cursor == null) {
            cursor = openCursor();
        }
        BlockRef head = chain.head();
        long target = target(head);
        observer.chainPosition(head.number(), target);
        boolean rewound = false;
        if (!cursorStillCanonical(target)) {
            rewind();
            rewound = true;
        }
        int ranges = 0;
        int events = 0;
        int rewinds = 0;
        while (keepRunning.getAsBoolean()) {
            Optional<BlockRange> next = planner.next(cursor.blockNumber(), target);
            if (next.isEmpty()) {
                break;
            }
            int handled = scan(next.get());
            if (handled < 0) {
                if (++rewinds > MAX_REWINDS_PER_POLL) {
                    throw new TransientFailure("the chain keeps reorganising under the cursor; retrying later");
                }
                rewind();
                rewound = true;
                continue;
            }
            ranges++;
            events += handled;
        }
        return new PollResult(head.number(), target, cursor.blockNumber(), ranges, events, rewound);
    }

    /** The highest block to read: the finalized block or, without one, head minus the confirmation depth. */
    long target(BlockRef head) {
        if (settings.finality() == FinalityMode.FINALIZED) {
            Optional<BlockRef> finalized = chain.finalized();
            if (finalized.isPresent()) {
                return finalized.get().number();
            }
            if (!fallbackLogged) {
                Log.warnf("The node has no 'finalized' block; reading up to head - %d blocks instead",
                        settings.confirmationDepth());
                fallbackLogged = true;
            }
        }
        return Math.max(-1, head.number() - settings.confirmationDepth());
    }

    private ChainCursor openCursor() {
        long chainId = chain.chainId();
        String scope = chainId + ":" + contractAddress;
        String genesis = chain.block(0)
                .orElseThrow(() -> new TransientFailure("node returned no genesis block"))
                .hash();
        Optional<ChainCursor> stored = store.load(scope);
        if (stored.isPresent() && stored.get().genesisHash().equalsIgnoreCase(genesis)) {
            Log.infof("Resuming %s after block %d", scope, stored.get().blockNumber());
            return stored.get();
        }
        if (stored.isPresent()) {
            Log.warnf("Chain %d was reset (genesis %s, stored %s): scanning %s again from block %d", chainId, genesis,
                    stored.get().genesisHash(), contractAddress, settings.startBlock());
        } else {
            Log.infof("Starting %s at block %d", scope, settings.startBlock());
        }
        ChainCursor initial = new ChainCursor(scope, chainId, contractAddress, genesis, -1, null);
        initial = beforeStart(initial);
        store.reset(initial);
        return initial;
    }

    /** The cursor position just before the start block (its hash when the start block is above 0). */
    private ChainCursor beforeStart(ChainCursor base) {
        long number = settings.startBlock() - 1;
        if (number < 0) {
            return base.at(-1, null);
        }
        BlockRef block = chain.block(number)
                .orElseThrow(() -> new TransientFailure("the node has no block " + number
                        + " yet (start block " + settings.startBlock() + ")"));
        return base.at(number, block.hash());
    }

    /**
     * Whether the cursor block is still canonical. A node that is behind the cursor (or a chain that was cut back and
     * has not regrown yet) gives no answer yet: the listener waits until the target passes the cursor again.
     */
    private boolean cursorStillCanonical(long target) {
        if (cursor.blockHash() == null || cursor.blockNumber() > target) {
            return true;
        }
        Optional<BlockRef> canonical = chain.block(cursor.blockNumber());
        return canonical.isPresent() && canonical.get().hash().equalsIgnoreCase(cursor.blockHash());
    }

    /**
     * Scans one range and moves the cursor to its end.
     *
     * @return events handled, or -1 when the range does not extend the cursor's chain (a reorganisation)
     */
    private int scan(BlockRange range) {
        BlockRef end = requireBlock(range.to());
        BlockRef first = range.from() == range.to() ? end : requireBlock(range.from());
        if (cursor.blockHash() != null && !cursor.blockHash().equalsIgnoreCase(first.parentHash())) {
            Log.warnf("Block %d (parent %s) does not extend the cursor block %d %s", first.number(),
                    first.parentHash(), cursor.blockNumber(), cursor.blockHash());
            return -1;
        }
        List<AnchorEvent> events = chain.events(range);
        BlockRef endAgain = requireBlock(range.to());
        if (!endAgain.hash().equals(end.hash())) {
            throw new TransientFailure("block " + range.to() + " changed while its range was scanned ("
                    + end.hash() + " -> " + endAgain.hash() + "); scanning again");
        }
        for (AnchorEvent event : events) {
            long number = event.position().blockNumber();
            if (number < range.from() || number > range.to()) {
                throw new TransientFailure("eth_getLogs returned a log of block " + number + " for range ["
                        + range.from() + ", " + range.to() + "]");
            }
            handler.handle(cursor.scope(), event);
        }
        store.advance(cursor.scope(), end, settings.checkpointHistory());
        cursor = cursor.at(end.number(), end.hash());
        observer.processed(end);
        Log.debugf("Processed blocks %d..%d of %s: %d events", range.from(), range.to(), cursor.scope(),
                events.size());
        return events.size();
    }

    private void rewind() {
        long from = cursor.blockNumber();
        List<BlockRef> checkpoints = store.checkpoints(cursor.scope());
        Optional<BlockRef> ancestor = detector.commonAncestor(checkpoints,
                number -> chain.block(number).map(BlockRef::hash));
        ChainCursor target;
        if (ancestor.isPresent()) {
            target = cursor.at(ancestor.get().number(), ancestor.get().hash());
            Log.warnf("Reorganisation on %s: block %d %s is no longer canonical; rewinding to block %d %s",
                    cursor.scope(), from, cursor.blockHash(), target.blockNumber(), target.blockHash());
        } else {
            target = beforeStart(cursor);
            Log.errorf("Reorganisation on %s deeper than the %d stored checkpoints: block %d %s is no longer "
                    + "canonical; rescanning from the start block %d", cursor.scope(), checkpoints.size(), from,
                    cursor.blockHash(), settings.startBlock());
        }
        store.rewind(cursor.scope(), target.blockNumber(), target.blockHash());
        cursor = target;
        observer.rewound(from, target.blockNumber());
    }

    private BlockRef requireBlock(long number) {
        return chain.block(number)
                .orElseThrow(() -> new TransientFailure("the node has no block " + number + " (chain cut back?)"));
    }
}
