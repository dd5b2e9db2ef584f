package io.wattwitness.chainlistener.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cursor, range and reorganisation logic against an in-memory chain. */
class ChainSyncTest {

    private static final String CONTRACT = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    private static final String SCOPE = "43113:" + CONTRACT.toLowerCase();

    private final FakeChain chain = new FakeChain();
    private final MemoryCursorStore store = new MemoryCursorStore();
    private final RecordingHandler handler = new RecordingHandler();

    private ChainSync sync(SyncSettings settings) {
        return new ChainSync(chain, store, handler, SyncObserver.NONE, settings, CONTRACT);
    }

    private static SyncSettings settings(long rangeSize) {
        return new SyncSettings(0, rangeSize, FinalityMode.FINALIZED, 3, 64);
    }

    private static String root(int n) {
        return String.format("0x%064x", 0xabc000 + n);
    }

    @Test
    void scansEverythingUpToFinalizedInBoundedRangesAndHandlesEachEventOnce() {
        chain.mine(3);
        chain.anchor(1, root(1));
        chain.mine(6);
        chain.anchor(2, root(2));
        chain.anchor(3, root(3));
        chain.mine(10);
        ChainSync sync = sync(settings(5));

        PollResult result = sync.poll(() -> true);

        long finalized = chain.headNumber() - 2;
        assertEquals(finalized, result.target());
        assertEquals(finalized, result.lastProcessed());
        assertEquals((finalized + 1 + 4) / 5, result.ranges(), "ranges of at most 5 blocks from block 0");
        assertEquals(chain.getLogsCalls, result.ranges());
        assertEquals(List.of(1L, 2L, 3L), handler.batchIds());
        assertEquals(finalized, store.cursor(SCOPE).blockNumber());
        assertEquals(FakeChain.hash(0, finalized), store.cursor(SCOPE).blockHash());

        PollResult again = sync.poll(() -> true);
        assertEquals(0, again.ranges());
        assertEquals(List.of(1L, 2L, 3L), handler.batchIds(), "nothing handled twice");
    }

    @Test
    void eventsAboveTheFinalizedBlockWaitUntilFinalized() {
        chain.mine(5);
        long block = chain.anchor(1, root(1));
        ChainSync sync = sync(settings(100));
        sync.poll(() -> true);
        assertEquals(List.of(), handler.batchIds());
        assertEquals(block - 2, store.cursor(SCOPE).blockNumber());

        chain.mine(2);
        sync.poll(() -> true);
        assertEquals(List.of(1L), handler.batchIds());
    }

    @Test
    void failedHandlerKeepsTheCursorBeforeTheRangeAndTheEventIsRetried() {
        chain.mine(2);
        chain.anchor(1, root(1));
        chain.mine(4);
        long second = chain.anchor(2, root(2));
        chain.mine(10);
        handler.failOnBatch = 2;
        ChainSync sync = sync(settings(4));

        assertThrows(TransientFailure.class, () -> sync.poll(() -> true));
        long rangeStart = (second / 4) * 4;
        assertEquals(rangeStart - 1, store.cursor(SCOPE).blockNumber(), "cursor stops before the failing range");
        assertEquals(List.of(1L), handler.batchIds());

        handler.failOnBatch = -1;
        sync.poll(() -> true);
        assertEquals(List.of(1L, 2L), handler.batchIds());
        assertEquals(chain.headNumber() - 2, store.cursor(SCOPE).blockNumber());
    }

    @Test
    void restartResumesAfterTheStoredCursor() {
        chain.mine(2);
        chain.anchor(1, root(1));
        chain.mine(10);
        sync(settings(5)).poll(() -> true);
        long stoppedAt = store.cursor(SCOPE).blockNumber();
        chain.anchor(2, root(2));
        chain.mine(5);

        int callsBefore = chain.getLogsCalls;
        PollResult resumed = sync(settings(5)).poll(() -> true);

        assertEquals(List.of(1L, 2L), handler.batchIds());
        assertEquals(1, store.resets, "the second engine found the stored cursor");
        assertEquals((chain.headNumber() - 2 - stoppedAt + 4) / 5, chain.getLogsCalls - callsBefore,
                "only the blocks after the stored cursor were scanned");
        assertEquals(chain.headNumber() - 2, resumed.lastProcessed());
    }

    @Test
    void stopRequestEndsThePollBetweenRanges() {
        chain.mine(40);
        List<Integer> ranges = new ArrayList<>();
        PollResult result = sync(settings(5)).poll(() -> ranges.add(1) && ranges.size() <= 3);
        assertEquals(3, result.ranges());
        assertEquals(14, store.cursor(SCOPE).blockNumber());
    }

    @Test
    void reorgBelowTheCursorRewindsToTheCommonAncestorAndReplaysTheNewFork() {
        chain.mine(4);
        chain.anchor(1, root(1));
        chain.mine(5);
        long forkPoint = chain.headNumber();
        long orphaned = chain.anchor(2, root(2));
        chain.mine(12);
        ChainSync sync = sync(settings(5));
        sync.poll(() -> true);
        assertEquals(List.of(1L, 2L), handler.batchIds());
        long cursorBefore = store.cursor(SCOPE).blockNumber();

        chain.reorgAbove(forkPoint, 1);
        chain.mine(3);
        long reanchored = chain.anchor(2, root(2));
        chain.anchor(3, root(3));
        chain.mine(15);
        PollResult result = sync.poll(() -> true);

        assertTrue(result.rewound());
        assertEquals(1, store.rewinds.size());
        long ancestor = store.rewinds.get(0);
        assertTrue(ancestor <= forkPoint && ancestor < orphaned, "rewound to a checkpoint below the fork");
        assertTrue(ancestor < cursorBefore);
        assertEquals(List.of(1L, 2L, 2L, 3L), handler.batchIds());
        BatchAnchoredEvent replayed = (BatchAnchoredEvent) handler.events.get(2);
        assertEquals(reanchored, replayed.position().blockNumber());
        assertEquals(FakeChain.hash(1, reanchored), replayed.position().blockHash());
        assertEquals(FakeChain.hash(1, chain.headNumber() - 2), store.cursor(SCOPE).blockHash());
    }

    @Test
    void reorgDeeperThanTheStoredHistoryRescansFromTheStartBlock() {
        chain.mine(30);
        chain.anchor(1, root(1));
        chain.mine(10);
        ChainSync sync = sync(new SyncSettings(0, 5, FinalityMode.FINALIZED, 3, 2));
        sync.poll(() -> true);

        chain.reorgAbove(3, 7);
        chain.mine(45);
        sync.poll(() -> true);

        assertEquals(List.of(-1L), store.rewinds, "no stored checkpoint survived: back to before the start block");
        assertEquals(List.of(1L), handler.batchIds(), "batch 1 is not on the new fork");
        assertEquals(FakeChain.hash(7, chain.headNumber() - 2), store.cursor(SCOPE).blockHash());
    }

    @Test
    void chainCutBackBelowTheCursorWaitsUntilItRegrows() {
        chain.mine(20);
        ChainSync sync = sync(settings(5));
        sync.poll(() -> true);
        long cursor = store.cursor(SCOPE).blockNumber();

        chain.reorgAbove(10, 2);
        PollResult waiting = sync.poll(() -> true);
        assertFalse(waiting.rewound());
        assertEquals(cursor, waiting.lastProcessed());

        long anchored = chain.anchor(1, root(1));
        chain.mine(20);
        PollResult result = sync.poll(() -> true);
        assertTrue(result.rewound());
        assertEquals(List.of(1L), handler.batchIds());
        assertTrue(anchored > 10);
    }

    @Test
    void resetChainWithAnotherGenesisStartsTheScopeAfresh() {
        chain.mine(3);
        chain.anchor(1, root(1));
        chain.mine(5);
        sync(settings(5)).poll(() -> true);

        chain.reset(9, 4);
        chain.anchor(1, root(11));
        chain.mine(5);
        sync(settings(5)).poll(() -> true);

        assertEquals(2, store.resets);
        assertEquals(List.of(1L, 1L), handler.batchIds());
        assertEquals(root(11), ((BatchAnchoredEvent) handler.events.get(1)).merkleRoot());
    }

    @Test
    void startBlockSkipsEarlierBlocks() {
        chain.anchor(1, root(1));
        chain.mine(10);
        long second = chain.anchor(2, root(2));
        chain.mine(10);
        sync(new SyncSettings(second, 5, FinalityMode.FINALIZED, 3, 64)).poll(() -> true);
        assertEquals(List.of(2L), handler.batchIds());
    }

    @Test
    void withoutFinalizedTagTheConfirmationDepthApplies() {
        chain.finalizedSupported(false);
        chain.mine(20);
        PollResult result = sync(settings(100)).poll(() -> true);
        assertEquals(20 - 3, result.target());
        assertEquals(17, store.cursor(SCOPE).blockNumber());
    }

    @Test
    void confirmationsModeIgnoresTheFinalizedTag() {
        chain.mine(20);
        chain.finalityLag(15);
        PollResult result = sync(new SyncSettings(0, 100, FinalityMode.CONFIRMATIONS, 1, 64)).poll(() -> true);
        assertEquals(19, result.target());
    }

    @Test
    void nodeOutageFailsThePollWithoutMovingTheCursorAndRecovers() {
        chain.mine(10);
        chain.anchor(1, root(1));
        chain.mine(10);
        ChainSync sync = sync(settings(5));
        chain.down(true);
        assertThrows(TransientFailure.class, () -> sync.poll(() -> true));
        assertTrue(store.load(SCOPE).isEmpty());

        chain.down(false);
        sync.poll(() -> true);
        assertEquals(List.of(1L), handler.batchIds());
    }

    /** Records handled events; fails on one batch id while {@code failOnBatch} is set. */
    private static final class RecordingHandler implements AnchorEventHandler {
        final List<AnchorEvent> events = new ArrayList<>();
        long failOnBatch = -1;

        @Override
        public void handle(String scope, AnchorEvent event) {
            assertEquals(SCOPE, scope);
            if (event instanceof BatchAnchoredEvent batch && batch.batchId() == failOnBatch) {
                throw new TransientFailure("query-service unreachable");
            }
            events.add(event);
        }

        List<Long> batchIds() {
            return events.stream().map(event -> ((BatchAnchoredEvent) event).batchId()).toList();
        }
    }
}
