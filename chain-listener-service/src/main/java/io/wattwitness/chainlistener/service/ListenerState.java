package io.wattwitness.chainlistener.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the listener knows about itself, published as Prometheus metrics and read by the readiness check.
 *
 * <p>Metrics: {@code chain_listener_last_processed_block}, {@code chain_listener_head_block},
 * {@code chain_listener_target_block} (finalized or head minus depth), {@code chain_listener_lag_blocks}
 * (head - last processed), {@code chain_listener_batches_marked_total}, {@code chain_listener_root_mismatches_total},
 * {@code chain_listener_open_root_mismatches} (mismatching batches on the canonical chain),
 * {@code chain_listener_reorgs_total}, {@code chain_listener_key_events_total},
 * {@code chain_listener_poll_failures_total}.
 */
@ApplicationScoped
public class ListenerState implements SyncObserver {

    private final AtomicLong lastProcessed = new AtomicLong(-1);
    private final AtomicLong head = new AtomicLong(-1);
    private final AtomicLong target = new AtomicLong(-1);
    private final AtomicLong openMismatches = new AtomicLong();
    private final AtomicLong consecutiveFailures = new AtomicLong();
    private final AtomicReference<String> lastProcessedHash = new AtomicReference<>();
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private final AtomicReference<String> scope = new AtomicReference<>();
    private final AtomicReference<String> configurationProblem = new AtomicReference<>();
    private final AtomicReference<Instant> lastSuccess = new AtomicReference<>();
    private final Counter batchesMarked;
    private final Counter rootMismatches;
    private final Counter reorgs;
    private final Counter keyEvents;
    private final Counter pollFailures;

    public ListenerState(MeterRegistry registry) {
        Gauge.builder("chain.listener.last.processed.block", lastProcessed, AtomicLong::get)
                .description("Last block whose events were all handled").register(registry);
        Gauge.builder("chain.listener.head.block", head, AtomicLong::get)
                .description("Latest block of the node").register(registry);
        Gauge.builder("chain.listener.target.block", target, AtomicLong::get)
                .description("Highest block the listener may read (finalized or head minus depth)")
                .register(registry);
        Gauge.builder("chain.listener.lag.blocks", this, ListenerState::lagBlocks)
                .description("Blocks between head and the last processed block").register(registry);
        Gauge.builder("chain.listener.open.root.mismatches", openMismatches, AtomicLong::get)
                .description("Anchored batches on the canonical chain whose root differs from the sealed root")
                .register(registry);
        batchesMarked = Counter.builder("chain.listener.batches.marked")
                .description("Batches whose readings were marked on chain").register(registry);
        rootMismatches = Counter.builder("chain.listener.root.mismatches")
                .description("Anchored roots that differ from the sealed batch's root (tamper alarms)")
                .register(registry);
        reorgs = Counter.builder("chain.listener.reorgs")
                .description("Reorganisations that moved the cursor back").register(registry);
        keyEvents = Counter.builder("chain.listener.key.events")
                .description("InstallationRegistered and DeviceKeyRotated events recorded").register(registry);
        pollFailures = Counter.builder("chain.listener.poll.failures")
                .description("Polls that failed (RPC, query-service or database) and were retried")
                .register(registry);
    }

    @Override
    public void chainPosition(long headBlock, long targetBlock) {
        head.set(headBlock);
        target.set(targetBlock);
    }

    @Override
    public void processed(BlockRef block) {
        lastProcessed.set(block.number());
        lastProcessedHash.set(block.hash());
    }

    @Override
    public void rewound(long from, long to) {
        reorgs.increment();
        lastProcessed.set(to);
        lastProcessedHash.set(null);
    }

    /** A poll completed with the cursor at this block (hash null before block 0). */
    public void pollSucceeded(String pollScope, long cursorBlock, String cursorHash) {
        scope.set(pollScope);
        lastProcessed.set(cursorBlock);
        lastProcessedHash.set(cursorHash);
        consecutiveFailures.set(0);
        lastError.set(null);
        lastSuccess.set(Instant.now());
    }

    /** A poll failed and will be retried. */
    public void pollFailed(String error) {
        pollFailures.increment();
        consecutiveFailures.incrementAndGet();
        lastError.set(error);
    }

    public void batchMarked() {
        batchesMarked.increment();
    }

    public void rootMismatch() {
        rootMismatches.increment();
    }

    public void keyEventRecorded() {
        keyEvents.increment();
    }

    /** Sets the number of mismatching batches on the canonical chain (from the database). */
    public void openMismatches(long count) {
        openMismatches.set(count);
    }

    /** Records why the listener cannot run at all (missing contract address), null when fine. */
    public void configurationProblem(String problem) {
        configurationProblem.set(problem);
    }

    public long lastProcessedBlock() {
        return lastProcessed.get();
    }

    /** Hash of the last processed block, null before the first range. */
    public String lastProcessedHash() {
        return lastProcessedHash.get();
    }

    public long headBlock() {
        return head.get();
    }

    public long targetBlock() {
        return target.get();
    }

    /** Head minus last processed block; 0 before the first poll. */
    public long lagBlocks() {
        return head.get() < 0 ? 0 : Math.max(0, head.get() - lastProcessed.get());
    }

    public long openMismatches() {
        return openMismatches.get();
    }

    public double batchesMarkedTotal() {
        return batchesMarked.count();
    }

    public double rootMismatchesTotal() {
        return rootMismatches.count();
    }

    public double reorgsTotal() {
        return reorgs.count();
    }

    public double pollFailuresTotal() {
        return pollFailures.count();
    }

    public long consecutiveFailures() {
        return consecutiveFailures.get();
    }

    public String lastError() {
        return lastError.get();
    }

    public String scope() {
        return scope.get();
    }

    public String configurationProblem() {
        return configurationProblem.get();
    }

    public Instant lastSuccess() {
        return lastSuccess.get();
    }
}
