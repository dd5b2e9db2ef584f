package io.wattwitness.systemtests.support;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;

/**
 * Bounded polling: the tests wait for the pipeline to reach a state, with a generous upper bound, and then assert
 * on the values they read. Never a timing assertion: how long it took is only logged.
 */
public final class Poll {

    /** Something to read that may fail (a database query, an HTTP call). */
    @FunctionalInterface
    public interface Probe<T> {
        /**
         * @return the current value
         * @throws Exception when it cannot be read now (the poll tries again)
         */
        T read() throws Exception;
    }

    private Poll() {
    }

    /**
     * Reads {@code probe} every {@code interval} until {@code done} accepts the value or {@code timeout} passes.
     *
     * @param timeout upper bound of the wait
     * @param interval pause between reads
     * @param probe what to read
     * @param done when to stop
     * @param <T> value type
     * @return the last value read (the caller asserts on it), or null if no read ever succeeded
     */
    public static <T> T until(Duration timeout, Duration interval, Probe<T> probe, Predicate<T> done) {
        Instant deadline = Instant.now().plus(timeout);
        T last = null;
        while (true) {
            try {
                last = probe.read();
                if (done.test(last)) {
                    return last;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return last;
            } catch (Exception e) {
                // not readable yet: try again until the deadline
            }
            if (!Instant.now().isBefore(deadline)) {
                return last;
            }
            pause(interval);
        }
    }

    /**
     * Sleeps, keeping the interrupt flag.
     *
     * @param duration how long
     */
    public static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
