package io.wattwitness.simulator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatorCatchUpTest {

    private static final Instant START = Instant.parse("2026-06-21T10:00:00Z");

    private static final class CollectingTransport implements Transport {
        private final List<Emission> sent = new ArrayList<>();

        @Override
        public void open(List<SimulatedDevice> devices, Consumer<Emission> resent) {
        }

        @Override
        public void send(SimulatedDevice device, Emission emission) {
            sent.add(emission);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void neverRunsAheadOfTheWallClock(@TempDir Path state) throws Exception {
        Simulator simulator = Simulator.builder().stateDir(state).start(START).build();
        CollectingTransport transport = new CollectingTransport();
        // The wall clock stands 25 s after the simulated start: readings at +0, +10 and +20 s are due, +30 s is not.
        Clock wall = Clock.fixed(START.plus(Duration.ofSeconds(25)), ZoneOffset.UTC);
        AtomicInteger checks = new AtomicInteger();
        long rounds = simulator.run(transport, e -> { }, 10, 0, () -> checks.incrementAndGet() < 50, () -> { }, wall);
        assertEquals(3, rounds);
        assertEquals(List.of(0L, 1L, 2L), transport.sent.stream().map(Emission::seq).toList());
        assertEquals(START.plus(Duration.ofSeconds(20)).toEpochMilli(),
                transport.sent.get(2).reading().timestampMs());
    }

    @Test
    void withoutAWallClockItRunsAhead(@TempDir Path state) throws Exception {
        Simulator simulator = Simulator.builder().stateDir(state).start(START).build();
        CollectingTransport transport = new CollectingTransport();
        assertEquals(10, simulator.run(transport, e -> { }, 10, 0, () -> true, () -> { }));
        assertEquals(10, transport.sent.size());
    }
}
