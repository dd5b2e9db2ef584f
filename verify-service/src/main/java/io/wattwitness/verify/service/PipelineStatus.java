package io.wattwitness.verify.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Live state of the verification pipeline for the readiness check: polls done, database retry in progress. */
@ApplicationScoped
public class PipelineStatus {

    /**
     * A retry in progress.
     *
     * @param since when the first attempt failed
     * @param error the last failure
     */
    public record Retrying(Instant since, String error) {
    }

    private final AtomicReference<Retrying> retrying = new AtomicReference<>();
    private final AtomicLong polls = new AtomicLong();
    private final AtomicReference<Instant> lastPoll = new AtomicReference<>();

    /** @param failure a transient failure that will be retried */
    public void retrying(Throwable failure) {
        String error = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        retrying.getAndUpdate(current -> new Retrying(current == null ? Instant.now() : current.since(), error));
    }

    /** Marks the end of a retry period (the operation succeeded). */
    public void recovered() {
        retrying.set(null);
    }

    /** Counts a committed poll. */
    public void pollDone() {
        polls.incrementAndGet();
        lastPoll.set(Instant.now());
    }

    /** @return the retry in progress, if any */
    public Optional<Retrying> currentRetry() {
        return Optional.ofNullable(retrying.get());
    }

    /** @return committed polls since start */
    public long polls() {
        return polls.get();
    }

    /** @return when the last poll committed, if any */
    public Optional<Instant> lastPoll() {
        return Optional.ofNullable(lastPoll.get());
    }
}
