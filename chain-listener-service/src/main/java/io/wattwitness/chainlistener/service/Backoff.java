package io.wattwitness.chainlistener.service;

import java.time.Duration;
import java.time.Instant;

/**
 * Exponential back-off between failed polls: the first failure waits {@code initial}, each further one twice as
 * long, up to {@code max}; a success resets it. Not thread-safe (one listener thread).
 */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private Duration current;
    private Instant notBefore = Instant.MIN;
    private int consecutiveFailures;

    /**
     * @param initial delay after the first failure, > 0
     * @param max     largest delay, >= initial
     */
    public Backoff(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("back-off needs 0 < initial <= max, got " + initial + ", " + max);
        }
        this.initial = initial;
        this.max = max;
        this.current = initial;
    }

    /** Whether the next attempt may run at {@code now}. */
    public boolean ready(Instant now) {
        return !now.isBefore(notBefore);
    }

    /**
     * Records a failure at {@code now}.
     *
     * @return the delay until the next attempt
     */
    public Duration failed(Instant now) {
        Duration delay = current;
        notBefore = now.plus(delay);
        consecutiveFailures++;
        Duration doubled = current.multipliedBy(2);
        current = doubled.compareTo(max) > 0 ? max : doubled;
        return delay;
    }

    /** Records a success: the next failure waits {@code initial} again. */
    public void succeeded() {
        current = initial;
        notBefore = Instant.MIN;
        consecutiveFailures = 0;
    }

    /** Failures since the last success. */
    public int consecutiveFailures() {
        return consecutiveFailures;
    }
}
