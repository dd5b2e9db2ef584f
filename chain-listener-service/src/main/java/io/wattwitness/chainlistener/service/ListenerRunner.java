package io.wattwitness.chainlistener.service;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.wattwitness.chainlistener.config.ListenerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.web3j.protocol.Web3j;

/**
 * Drives {@link ChainSync} on a worker thread every {@code wattwitness.listener.poll-interval}: one poll at a time
 * (later triggers are skipped while one runs), exponential back-off after a failure, state published to
 * {@link ListenerState}. {@link #stop()} and {@link #start()} act like a process restart: the new engine keeps nothing
 * in memory and resumes from the cursor stored in PostgreSQL.
 */
@ApplicationScoped
public class ListenerRunner {

    /** Identity of the scheduled job. */
    public static final String JOB = "chain-listener-poll";

    private final ListenerConfig config;
    private final Web3j web3j;
    private final PersistentCursorStore store;
    private final ContractEventHandler handler;
    private final ListenerState state;
    private final ChainRecordService records;
    private final ReentrantLock lock = new ReentrantLock();

    private volatile boolean running;
    private ChainSync sync;
    private Backoff backoff;

    public ListenerRunner(ListenerConfig config, Web3j web3j, PersistentCursorStore store,
            ContractEventHandler handler, ListenerState state, ChainRecordService records) {
        this.config = config;
        this.web3j = web3j;
        this.store = store;
        this.handler = handler;
        this.state = state;
        this.records = records;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.contractAddress().isEmpty()) {
            String problem = "ANCHOR_CONTRACT_ADDRESS is not set: the listener does not know which contract to follow";
            state.configurationProblem(problem);
            Log.error(problem);
            return;
        }
        if (config.anchoringToken().isEmpty()) {
            Log.warn("ANCHORING_TOKEN is not set: anchored batches cannot be marked on chain until it is");
        }
        if (config.enabled()) {
            start();
        } else {
            Log.info("Chain listener disabled (CHAIN_LISTENER_ENABLED=false)");
        }
    }

    @Scheduled(identity = JOB, every = "${wattwitness.listener.poll-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledPoll() {
        pollNow();
    }

    /**
     * Runs one poll now unless one is running, the listener is stopped or the back-off has not elapsed.
     *
     * @return what the poll did, empty when it did not run or failed
     */
    public Optional<PollResult> pollNow() {
        if (!running || !lock.tryLock()) {
            return Optional.empty();
        }
        try {
            if (!running || !backoff.ready(Instant.now())) {
                return Optional.empty();
            }
            PollResult result = sync.poll(() -> running);
            ChainCursor cursor = sync.cursor().orElseThrow();
            state.openMismatches(records.openMismatches(cursor.scope()));
            state.pollSucceeded(cursor.scope(), cursor.blockNumber(), cursor.blockHash());
            backoff.succeeded();
            if (result.ranges() > 0) {
                Log.debugf("Poll: head %d, target %d, cursor %d, %d ranges, %d events", result.head(),
                        result.target(), result.lastProcessed(), result.ranges(), result.events());
            }
            return Optional.of(result);
        } catch (RuntimeException e) {
            Duration delay = backoff.failed(Instant.now());
            state.pollFailed(e.getMessage());
            Log.warnf("Chain listener poll failed (%d in a row), retrying in %s: %s", backoff.consecutiveFailures(),
                    delay, e.getMessage());
            Log.debug("Poll failure", e);
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /** Stops polling; waits for a running poll to finish its current range. */
    public void stop() {
        running = false;
        lock.lock();
        lock.unlock();
        Log.info("Chain listener stopped");
    }

    /** Starts polling with a fresh engine that resumes from the stored cursor. */
    public void start() {
        String address = config.contractAddress()
                .orElseThrow(() -> new IllegalStateException("ANCHOR_CONTRACT_ADDRESS is not set"));
        lock.lock();
        try {
            sync = new ChainSync(new Web3jChainReader(web3j, address), store, handler, state,
                    config.syncSettings(), address);
            backoff = new Backoff(config.retryInitialBackoff(), config.retryMaxBackoff());
            running = true;
        } finally {
            lock.unlock();
        }
        Log.infof("Chain listener following %s from block %d (%s, ranges of %d blocks)", address,
                config.startBlock(), config.finality(), config.rangeSize());
    }

    public boolean isRunning() {
        return running;
    }
}
