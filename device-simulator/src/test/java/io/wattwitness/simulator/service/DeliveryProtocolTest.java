package io.wattwitness.simulator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattwitness.reading.DeviceAck;
import io.wattwitness.reading.ReadingVerifier;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The device rules of SPEC.md §6.2 with a hand-driven clock, no network. */
class DeliveryProtocolTest {

    private static final Instant NOON = Instant.parse("2024-06-21T18:00:00Z");
    private static final long MS = 1_000_000L;

    @TempDir
    Path state;

    private final AtomicLong clock = new AtomicLong(1_000 * MS);

    private SimulatedDevice device(Faults faults) throws Exception {
        return SimulatedDevice.builder().stateDir(state.resolve("d")).start(NOON).faults(faults).seed(5).build();
    }

    private DeliveryProtocol protocol(SimulatedDevice device, int window) {
        return new DeliveryProtocol(device,
                new DeliveryProtocol.Settings(window, Duration.ofMillis(100), Duration.ofMillis(400)), clock::get);
    }

    private static List<String> ids(List<DeliveryProtocol.Publication> publications) {
        List<String> out = new ArrayList<>();
        for (DeliveryProtocol.Publication p : publications) {
            out.add((p.resend() ? "R" : p.injected() ? "I" : "") + p.emission().boot() + "/" + p.emission().seq());
        }
        return out;
    }

    private static void offer(DeliveryProtocol protocol, SimulatedDevice device, int readings) {
        for (int i = 0; i < readings; i++) {
            device.next().stream().filter(Emission::sent).forEach(protocol::offer);
        }
    }

    private void advance(long ms) {
        clock.addAndGet(ms * MS);
    }

    @Test
    void windowOrderAndTimeoutsWithBackOffAndReset() throws Exception {
        SimulatedDevice device = device(Faults.NONE);
        DeliveryProtocol protocol = protocol(device, 3);
        offer(protocol, device, 5);
        assertEquals(List.of(), protocol.due(), "nothing while disconnected");
        protocol.connected();
        assertEquals(List.of("1/0", "1/1", "1/2"), ids(protocol.due()), "window of 3");
        assertEquals(List.of(), protocol.due());
        advance(99);
        assertEquals(List.of(), protocol.due());
        advance(1);
        assertEquals(List.of("R1/0", "R1/1", "R1/2"), ids(protocol.due()), "T expired");
        assertEquals(Duration.ofMillis(200), protocol.ackTimeout());
        advance(199);
        assertEquals(List.of(), protocol.due());
        advance(1);
        assertEquals(List.of("R1/0", "R1/1", "R1/2"), ids(protocol.due()), "2T expired");
        advance(400);
        assertEquals(List.of("R1/0", "R1/1", "R1/2"), ids(protocol.due()), "4T = T_max expired");
        assertEquals(Duration.ofMillis(400), protocol.ackTimeout());
        advance(400);
        assertEquals(List.of("R1/0", "R1/1", "R1/2"), ids(protocol.due()), "stays at T_max");

        // an ack naming 1 (in flight) resets the timeout, frees a slot: 1/3 goes out
        assertEquals(1, protocol.acknowledge(DeviceAck.of(1, new long[] {1}, new long[0]).get(0)));
        assertEquals(Duration.ofMillis(100), protocol.ackTimeout());
        assertEquals(List.of("1/3"), ids(protocol.due()));
        advance(100);
        assertEquals(List.of("R1/0", "R1/2", "R1/3"), ids(protocol.due()), "back to T, oldest first");

        // a reconnection sends everything unacknowledged again, oldest first, within the window
        protocol.disconnected();
        protocol.connected();
        assertEquals(List.of("R1/0", "R1/2", "R1/3"), ids(protocol.due()));
        assertEquals(1, protocol.acknowledge(DeviceAck.of(1, new long[0], new long[] {0}).get(0)));
        assertEquals(List.of("1/4"), ids(protocol.due()));
        assertEquals(0, protocol.acknowledge(DeviceAck.of(1, new long[] {0, 1}, new long[0]).get(0)));
        assertEquals(3, protocol.acknowledge(DeviceAck.of(1, new long[] {2, 3, 4}, new long[0]).get(0)));
        assertTrue(protocol.awaitEmpty(Duration.ZERO));
        DeliveryCounters counters = protocol.counters();
        assertEquals(5, counters.sent());
        assertEquals(4 * 3 + 3 + 3, counters.resent());
        assertEquals(4 * 3 + 3, counters.timeouts());
        assertEquals(4, counters.storedNamed());
        assertEquals(1, counters.refusedNamed());
        assertEquals(1, counters.unmatchedAcks());
        assertEquals(4, counters.acks());
    }

    @Test
    void aTamperedReadingGoesOutTamperedFirstAndGenuineOnResendWithItsDuplicatesRightAfter() throws Exception {
        SimulatedDevice device = device(Faults.NONE.withTamperRate(1).withDuplicateRate(1));
        DeliveryProtocol protocol = protocol(device, 10);
        List<Emission> emissions = device.next();
        assertEquals(List.of(Fault.TAMPERED, Fault.DUPLICATE), emissions.stream().map(Emission::fault).toList());
        emissions.forEach(protocol::offer);
        protocol.connected();
        List<DeliveryProtocol.Publication> first = protocol.due();
        assertEquals(List.of("1/0", "I1/0"), ids(first));
        assertEquals(Fault.TAMPERED, first.get(0).emission().fault());
        assertEquals(Fault.DUPLICATE, first.get(1).emission().fault());
        assertThrows(Exception.class, () -> ReadingVerifier.verify(device.key(),
                first.get(0).emission().envelope().message(), first.get(0).emission().envelope().signature()));
        advance(100);
        List<DeliveryProtocol.Publication> again = protocol.due();
        assertEquals(List.of("R1/0"), ids(again));
        ReadingVerifier.verify(device.key(), again.get(0).emission().envelope().message(),
                again.get(0).emission().envelope().signature());
        assertEquals(1, device.store().buffer().size());
        assertEquals(new DeliveryCounters(1, 1, 1, 0, 0, 0, 0, 0, 0, 1), protocol.counters());
    }

    @Test
    void aFullOutboxDropsTheOldestEvenInFlightAndCountsIt() throws Exception {
        SimulatedDevice device = SimulatedDevice.builder().stateDir(state.resolve("small")).start(NOON)
                .outboxCapacity(3).build();
        DeliveryProtocol protocol = protocol(device, 2);
        protocol.connected();
        offer(protocol, device, 2);
        assertEquals(List.of("1/0", "1/1"), ids(protocol.due()));
        offer(protocol, device, 3);
        assertEquals(2, protocol.counters().dropped(), "0 and 1, both in flight, dropped");
        assertEquals(0, protocol.inFlight());
        assertEquals(List.of("1/2", "1/3"), ids(protocol.due()));
        assertEquals(2, device.store().outboxDropped());
    }
    @Test
    void publicationsNotHandedToTheClientAreDueAgainInOrder() throws Exception {
        SimulatedDevice device = device(Faults.NONE.withDuplicateRate(1));
        DeliveryProtocol protocol = protocol(device, 3);
        offer(protocol, device, 4);
        protocol.connected();
        List<DeliveryProtocol.Publication> due = protocol.due();
        assertEquals(List.of("1/0", "I1/0", "1/1", "I1/1", "1/2", "I1/2"), ids(due));
        // the client took 1/0 and its duplicate, then refused 1/1 while still connected
        protocol.notSent(due.subList(2, due.size()));
        assertEquals(1, protocol.inFlight());
        assertEquals(new DeliveryCounters(1, 0, 1, 0, 0, 0, 0, 0, 0, 0), protocol.counters());
        assertEquals(List.of("1/1", "I1/1", "1/2", "I1/2"), ids(protocol.due()),
                "first transmissions again, each with its injected copy, and 1/3 still outside the window");
        assertEquals(3, protocol.inFlight());

        // a timeout resend that was not handed over is due again at once, still a resend
        advance(100);
        List<DeliveryProtocol.Publication> resends = protocol.due();
        assertEquals(List.of("R1/0", "R1/1", "R1/2"), ids(resends));
        protocol.notSent(resends.subList(1, resends.size()));
        assertEquals(List.of("R1/1", "R1/2"), ids(protocol.due()));
        assertEquals(new DeliveryCounters(3, 3, 3, 0, 0, 0, 0, 0, 0, 3), protocol.counters());
    }
}
