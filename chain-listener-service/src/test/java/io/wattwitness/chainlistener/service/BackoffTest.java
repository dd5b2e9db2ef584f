package io.wattwitness.chainlistener.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void doublesUpToTheMaximumAndWaits() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(5));
        assertTrue(backoff.ready(T0));
        assertEquals(Duration.ofSeconds(1), backoff.failed(T0));
        assertFalse(backoff.ready(T0.plusMillis(999)));
        assertTrue(backoff.ready(T0.plusSeconds(1)));
        assertEquals(Duration.ofSeconds(2), backoff.failed(T0.plusSeconds(1)));
        assertEquals(Duration.ofSeconds(4), backoff.failed(T0.plusSeconds(3)));
        assertEquals(Duration.ofSeconds(5), backoff.failed(T0.plusSeconds(7)));
        assertEquals(Duration.ofSeconds(5), backoff.failed(T0.plusSeconds(12)));
        assertEquals(5, backoff.consecutiveFailures());
        assertFalse(backoff.ready(T0.plusSeconds(16)));
        assertTrue(backoff.ready(T0.plusSeconds(17)));
    }

    @Test
    void successResets() {
        Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));
        backoff.failed(T0);
        backoff.failed(T0);
        backoff.succeeded();
        assertEquals(0, backoff.consecutiveFailures());
        assertTrue(backoff.ready(T0));
        assertEquals(Duration.ofMillis(200), backoff.failed(T0));
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }
}
