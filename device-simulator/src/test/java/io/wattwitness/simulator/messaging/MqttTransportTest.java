package io.wattwitness.simulator.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wattwitness.reading.DeviceAck;
import io.wattwitness.reading.DeviceKey;
import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.ReadingFormatException;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.reading.ReadingVerifier;
import io.wattwitness.simulator.repository.ResendBuffer;
import io.wattwitness.simulator.service.DeliveryCounters;
import io.wattwitness.simulator.service.Emission;
import io.wattwitness.simulator.service.Fault;
import io.wattwitness.simulator.service.Faults;
import io.wattwitness.simulator.service.SimulatedDevice;
import io.wattwitness.simulator.service.Simulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device protocol of SPEC.md §6 against the machine's real Mosquitto ({@code MQTT_URL}, default
 * {@code tcp://127.0.0.1:1883}, anonymous). Every test uses its own topic root and fresh device keys, and a test-side
 * backend that subscribes to the readings and publishes acks as the test chooses.
 */
class MqttTransportTest {

    private static final String MQTT_URL = System.getenv().getOrDefault("MQTT_URL", "tcp://127.0.0.1:1883");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOON = Instant.parse("2024-06-21T18:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path state;

    private String root;
    private Backend backend;

    @BeforeEach
    void startBackend() throws MqttException {
        root = "wwsim-test/" + UUID.randomUUID().toString().substring(0, 12);
        backend = new Backend(root);
    }

    /** Clears the retained statuses of this test's devices so that the broker does not accumulate them. */
    @AfterEach
    void stopBackend() throws MqttException {
        backend.close();
    }

    /** A test-side backend: sees every reading and status under the root, publishes acks; {@code policy} decides. */
    private static final class Backend implements MqttCallback, AutoCloseable {
        private final String root;
        private final MqttAsyncClient client;
        private final List<Received> readings = new CopyOnWriteArrayList<>();
        private final Map<String, List<String>> statuses = new ConcurrentHashMap<>();
        private volatile BiConsumer<Backend, Received> policy = (b, r) -> { };

        /**
         * One reading as received.
         *
         * @param deviceId topic's device id
         * @param boot the message's boot (-1 when it does not decode)
         * @param seq the message's seq (-1 when it does not decode)
         * @param envelope the envelope
         * @param atNanos arrival time
         */
        record Received(String deviceId, long boot, long seq, Envelope envelope, long atNanos) {
            String id() {
                return boot + "/" + seq;
            }
        }

        Backend(String root) throws MqttException {
            this.root = root;
            client = new MqttAsyncClient(MQTT_URL, "ww-sim-backend-" + UUID.randomUUID().toString().substring(0, 8),
                    new MemoryPersistence());
            client.setCallback(this);
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            options.setMaxInflight(1_000);
            client.connect(options).waitForCompletion(10_000);
            client.subscribe(new String[] {root + "/+/readings", root + "/+/status"}, new int[] {1, 1})
                    .waitForCompletion(10_000);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) throws Exception {
            String[] parts = topic.substring(root.length() + 1).split("/");
            String text = new String(message.getPayload(), StandardCharsets.UTF_8);
            if (parts[1].equals("status")) {
                statuses.computeIfAbsent(parts[0], k -> new CopyOnWriteArrayList<>()).add(text);
                return;
            }
            Envelope envelope = null;
            long boot = -1;
            long seq = -1;
            try {
                JsonNode node = JSON.readTree(text);
                envelope = Envelope.ofHex(node.get("message").asText(), node.get("signature").asText());
                ReadingMessage reading = ReadingMessage.decode(envelope.message());
                boot = reading.boot();
                seq = reading.seq();
            } catch (java.io.IOException | RuntimeException | ReadingFormatException e) {
                // garbage, or a tampered message that does not decode: recorded with boot and seq -1
            }
            Received received = new Received(parts[0], boot, seq, envelope, System.nanoTime());
            readings.add(received);
            policy.accept(this, received);
        }

        void ack(String deviceId, String json) {
            try {
                client.publish(root + "/" + deviceId + "/ack", json.getBytes(StandardCharsets.UTF_8), 1, false);
            } catch (MqttException e) {
                throw new IllegalStateException(e);
            }
        }

        void ackStored(String deviceId, long boot, long... seqs) {
            for (DeviceAck ack : DeviceAck.of(boot, seqs, new long[0])) {
                ack(deviceId, ack.toJson());
            }
        }

        List<Received> of(SimulatedDevice device) {
            return readings.stream().filter(r -> r.deviceId().equals(device.deviceIdHex())).toList();
        }

        List<String> order(SimulatedDevice device) {
            return of(device).stream().map(Received::id).toList();
        }

        List<String> statuses(SimulatedDevice device) {
            return statuses.getOrDefault(device.deviceIdHex(), List.of());
        }

        @Override
        public void connectionLost(Throwable cause) {
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }

        @Override
        public void close() throws MqttException {
            for (String id : statuses.keySet()) {
                client.publish(root + "/" + id + "/status", new byte[0], 1, true).waitForCompletion(10_000);
            }
            client.disconnect().waitForCompletion(10_000);
            client.close();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    private MqttTransport.Builder transport() {
        return MqttTransport.builder(MQTT_URL).topicRoot(root);
    }

    private Simulator fleet(int devices) throws Exception {
        return Simulator.builder().stateDir(state).devices(devices).start(NOON).build();
    }

    private static List<String> outbox(SimulatedDevice device) {
        return device.store().buffer().entries().stream().map(e -> e.boot() + "/" + e.seq()).toList();
    }

    private static List<String> range(long boot, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int seq = from; seq <= to; seq++) {
            out.add(boot + "/" + seq);
        }
        return out;
    }

    @Test
    void severalDevicesPublishReadingsThatVerifyAndAcksEmptyTheirOutboxes() throws Exception {
        Simulator simulator = Simulator.builder().stateDir(state).devices(3).start(NOON).seed(11)
                .faults(Faults.NONE.withTamperRate(0.3)).build();
        Map<String, DeviceKey> keys = new HashMap<>();
        simulator.devices().forEach(d -> keys.put(d.deviceIdHex(), d.key()));
        // the backend stores what verifies and acks it; a tampered envelope gets no ack at all (SPEC.md §6.1)
        Set<String> stored = ConcurrentHashMap.newKeySet();
        List<String> failures = new CopyOnWriteArrayList<>();
        backend.policy = (b, r) -> {
            try {
                ReadingVerifier.verify(keys.get(r.deviceId()), r.envelope().message(), r.envelope().signature());
                stored.add(r.deviceId() + "/" + r.id());
                b.ackStored(r.deviceId(), r.boot(), r.seq());
            } catch (ReadingFormatException e) {
                failures.add(e.code().wire());
            }
        };
        List<Emission> emitted = new ArrayList<>();
        List<Emission> resent = new CopyOnWriteArrayList<>();
        try (MqttTransport transport = transport().ackTimeout(Duration.ofMillis(300), Duration.ofSeconds(1))
                .build()) {
            transport.open(simulator.devices(), resent::add);
            simulator.run(transport, emitted::add, 8, 0, () -> true, () -> { });
            assertTrue(transport.awaitEmpty(WAIT), () -> "outboxes: " + transport.outboxSizes());
            long tampered = emitted.stream().filter(e -> e.fault() == Fault.TAMPERED).count();
            assertTrue(tampered > 0 && tampered < 24, "some tampered: " + tampered);
            // every tampered first transmission failed; its genuine envelope was resent after the timeout and stored
            assertEquals(tampered, failures.size());
            assertTrue(failures.stream().allMatch("bad_signature"::equals), failures.toString());
            assertEquals(24, stored.size());
            DeliveryCounters fleet = transport.counters();
            assertEquals(24, fleet.sent());
            assertEquals(24, fleet.storedNamed());
            assertEquals(0, fleet.refusedNamed());
            assertEquals(0, fleet.dropped());
            assertEquals(0, fleet.invalidAcks());
            assertTrue(fleet.resent() >= tampered, fleet.toString());
            assertEquals(fleet.resent(), resent.size());
            assertTrue(resent.stream().allMatch(e -> e.fault() == Fault.RESEND));
            assertEquals(fleet, DeliveryCounters.sum(simulator.devices().stream().map(transport::counters).toList()));
            for (SimulatedDevice device : simulator.devices()) {
                assertEquals(8, transport.counters(device).sent());
                assertEquals(0, device.store().buffer().size());
                JsonNode birth = JSON.readTree(backend.statuses(device).get(0));
                assertEquals("online", birth.get("state").asText());
                assertEquals(1, birth.get("boot").asLong());
                assertEquals("simulator-0.1", birth.get("firmware").asText());
                assertEquals(NOON.toEpochMilli(), birth.get("ts").asLong());
                assertEquals(0, birth.get("dropped").asLong());
            }
        }
        // the clean shutdown leaves the retained status offline
        for (SimulatedDevice device : simulator.devices()) {
            await("offline status", () -> backend.statuses(device).contains("{\"state\":\"offline\",\"boot\":1}"));
        }
    }

    @Test
    void aLostReadingIsResentByItselfAfterTheTimeoutAndThenAcknowledged() throws Exception {
        Simulator simulator = fleet(1);
        SimulatedDevice device = simulator.devices().get(0);
        // the backend acks every reading at once, except seq 3 the first time it arrives (lost on the way)
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        backend.policy = (b, r) -> {
            if (seen.add(r.seq()) && r.seq() == 3) {
                return;
            }
            b.ackStored(r.deviceId(), r.boot(), r.seq());
        };
        List<Emission> resent = new CopyOnWriteArrayList<>();
        try (MqttTransport transport = transport().ackTimeout(Duration.ofSeconds(2), Duration.ofSeconds(8))
                .build()) {
            transport.open(simulator.devices(), resent::add);
            simulator.run(transport, e -> { }, 8, 0, () -> true, () -> { });
            assertTrue(transport.awaitEmpty(device, WAIT), () -> "outbox: " + outbox(device));
            List<String> expected = new ArrayList<>(range(1, 0, 7));
            expected.add("1/3");
            assertEquals(expected, backend.order(device), "only seq 3 was sent again, after the others");
            assertEquals(List.of(3L), resent.stream().map(Emission::seq).toList());
            DeliveryCounters counters = transport.counters(device);
            assertEquals(new DeliveryCounters(8, 1, 0, 8, 8, 0, 0, 0, 0, 1), counters);
            assertEquals(Duration.ofSeconds(2), transport.ackTimeout(device), "the ack of seq 3 reset the timeout");
        }
    }

    @Test
    void theAckTimeoutDoublesUpToItsMaximumAndAnAckResetsIt() throws Exception {
        Simulator simulator = fleet(1);
        SimulatedDevice device = simulator.devices().get(0);
        Map<Long, List<Long>> sentAt = new ConcurrentHashMap<>();
        Duration t = Duration.ofMillis(200);
        Duration tMax = Duration.ofMillis(800);
        try (MqttTransport transport = transport().ackTimeout(t, tMax)
                .listener(s -> sentAt.computeIfAbsent(s.emission().seq(), k -> new CopyOnWriteArrayList<>())
                        .add(System.nanoTime()))
                .build()) {
            transport.open(simulator.devices(), e -> { });
            simulator.run(transport, e -> { }, 2, 0, () -> true, () -> { });
            // no ack at all: seq 0 and 1 are sent again together after 200, 400, 800, 800 ms
            await("5 transmissions of each", () -> sentAt.getOrDefault(0L, List.of()).size() >= 5
                    && sentAt.getOrDefault(1L, List.of()).size() >= 5 && backend.of(device).size() >= 10);
            assertEquals(tMax, transport.ackTimeout(device), "doubled up to T_max");
            List<Long> times = sentAt.get(0L).subList(0, 5);
            long[] least = {200, 400, 800, 800};
            for (int i = 0; i < least.length; i++) {
                long gapMs = (times.get(i + 1) - times.get(i)) / 1_000_000;
                // at least the timeout, less 10 ms for the time between the protocol's clock and the listener's
                assertTrue(gapMs >= least[i] - 10, "transmission " + (i + 1) + " of seq 0 came " + gapMs
                        + " ms after the previous one, the timeout was " + least[i] + " ms");
            }
            List<String> order = backend.order(device).subList(0, 10);
            for (int round = 0; round < 5; round++) {
                assertEquals(List.of("1/0", "1/1"), order.subList(2 * round, 2 * round + 2), "oldest first");
            }
            // an ack naming the readings in flight resets the timeout to T
            backend.ack(device.deviceIdHex(), "{\"boot\":1,\"stored\":[[0,1]],\"refused\":[]}");
            assertTrue(transport.awaitEmpty(device, WAIT));
            assertEquals(t, transport.ackTimeout(device));
            DeliveryCounters counters = transport.counters(device);
            assertEquals(2, counters.sent());
            assertEquals(counters.timeouts(), counters.resent(), "every resend was for a timeout");
            assertTrue(counters.resent() >= 8, counters.toString());
            assertEquals(2, counters.storedNamed());
        }
    }

    @Test
    void theWindowNeverHasMoreThanWReadingsInFlight() throws Exception {
        Simulator simulator = fleet(1);
        SimulatedDevice device = simulator.devices().get(0);
        int window = 5;
        int readings = 23;
        // the backend holds its acks until W readings wait for one (or the last arrived), then acks them together
        List<Long> unacked = new ArrayList<>();
        List<Integer> waitingAtArrival = new CopyOnWriteArrayList<>();
        backend.policy = (b, r) -> {
            unacked.add(r.seq());
            waitingAtArrival.add(unacked.size());
            if (unacked.size() == window || r.seq() == readings - 1) {
                b.ackStored(r.deviceId(), r.boot(), unacked.stream().mapToLong(Long::longValue).toArray());
                unacked.clear();
            }
        };
        try (MqttTransport transport = transport().window(window).build()) {
            transport.open(simulator.devices(), e -> { });
            simulator.run(transport, e -> { }, readings, 0, () -> true, () -> { });
            assertTrue(transport.inFlight(device) <= window);
            assertTrue(transport.awaitEmpty(device, WAIT), () -> "outbox: " + outbox(device));
            assertEquals(range(1, 0, readings - 1), backend.order(device), "each reading once, in order");
            assertEquals(window, waitingAtArrival.stream().mapToInt(Integer::intValue).max().orElse(0),
                    "never more than W readings unacknowledged on the wire: " + waitingAtArrival);
            DeliveryCounters counters = transport.counters(device);
            assertEquals(readings, counters.sent());
            assertEquals(0, counters.resent());
            assertEquals(0, transport.inFlight(device));
        }
    }

    @Test
    void afterAReconnectionEverythingUnacknowledgedIsResentOldestFirstBeforeNewReadings() throws Exception {
        Simulator simulator = fleet(1);
        SimulatedDevice device = simulator.devices().get(0);
        List<Emission> resent = new CopyOnWriteArrayList<>();
        try (MqttTransport transport = transport().build()) {
            transport.open(simulator.devices(), resent::add);
            simulator.run(transport, e -> { }, 6, 0, () -> true, () -> { });
            await("6 readings", () -> backend.of(device).size() == 6);
            backend.ackStored(device.deviceIdHex(), 1, 1, 3);
            await("ack of 1 and 3", () -> device.store().buffer().size() == 4);
            assertEquals(List.of("1/0", "1/2", "1/4", "1/5"), outbox(device));

            transport.reconnect(device);
            simulator.run(transport, e -> { }, 2, 0, () -> true, () -> { });
            await("resent and new", () -> backend.of(device).size() == 12);
            assertEquals(List.of("1/0", "1/2", "1/4", "1/5", "1/6", "1/7"), backend.order(device).subList(6, 12));
            assertEquals(List.of(0L, 2L, 4L, 5L), resent.stream().map(Emission::seq).toList());
            assertTrue(resent.stream().allMatch(e -> e.fault() == Fault.RESEND));
            backend.ack(device.deviceIdHex(), "{\"boot\":1,\"stored\":[[0,7]],\"refused\":[]}");
            assertTrue(transport.awaitEmpty(device, WAIT));
            DeliveryCounters counters = transport.counters(device);
            // the first ack may come again after the reconnect (QoS 1: its PUBACK can be lost with the old
            // connection); the second delivery names nothing left in the outbox and changes nothing
            assertTrue(counters.unmatchedAcks() <= 1, "at most the first ack redelivered: " + counters);
            assertEquals(new DeliveryCounters(8, 4, 0, 2 + counters.unmatchedAcks(), 8, 0, counters.unmatchedAcks(),
                    0, 0, 0), counters);
        }

        // a restart (boot 2) sends what boot 1 left unacknowledged before anything new: here nothing is left
        assertEquals(0, device.store().buffer().size());
    }

    @Test
    void acksNamingRefusedReadingsRemoveThemAndRepeatedStaleOrOutOfOrderAcksChangeNothingMore() throws Exception {
        Simulator simulator = fleet(1);
        SimulatedDevice device = simulator.devices().get(0);
        String id = device.deviceIdHex();
        try (MqttTransport transport = transport().build()) {
            transport.open(simulator.devices(), e -> { });
            simulator.run(transport, e -> { }, 6, 0, () -> true, () -> { });
            await("6 readings", () -> backend.of(device).size() == 6);

            String first = "{\"boot\":1,\"stored\":[[0,1]],\"refused\":[[2,2]]}";
            backend.ack(id, first);
            await("first ack", () -> transport.counters(device).acks() == 1);
            assertEquals(List.of("1/3", "1/4", "1/5"), outbox(device));
            assertEquals(2, transport.counters(device).storedNamed());
            assertEquals(1, transport.counters(device).refusedNamed());

            backend.ack(id, first);                                                // repeated (QoS 1 redelivery)
            backend.ack(id, "{\"boot\":0,\"stored\":[[0,99]],\"refused\":[]}");     // stale: an older boot
            backend.ack(id, "{\"boot\":1,\"stored\":[],\"refused\":[[5,5]]}");      // out of order: 5 before 3, 4
            await("four acks", () -> transport.counters(device).acks() == 4);
            assertEquals(List.of("1/3", "1/4"), outbox(device));
            DeliveryCounters counters = transport.counters(device);
            assertEquals(2, counters.unmatchedAcks());
            assertEquals(2, counters.storedNamed());
            assertEquals(2, counters.refusedNamed());

            backend.ack(id, "{\"boot\":1,\"stored\":[[3,4]],\"refused\":[]}");
            assertTrue(transport.awaitEmpty(device, WAIT));
            assertEquals(new DeliveryCounters(6, 0, 0, 5, 4, 2, 2, 0, 0, 0), transport.counters(device));
            assertEquals(6, backend.of(device).size(), "nothing was resent");
        }
    }

    @Test
    void forgedOrInvalidAcksRemoveNothingTheyDoNotNameAndAreCounted() throws Exception {
        Simulator simulator = fleet(1);
        SimulatedDevice device = simulator.devices().get(0);
        String id = device.deviceIdHex();
        try (MqttTransport transport = transport().build()) {
            transport.open(simulator.devices(), e -> { });
            simulator.run(transport, e -> { }, 4, 0, () -> true, () -> { });
            await("4 readings", () -> backend.of(device).size() == 4);

            backend.ack(id, "not json");
            backend.ack(id, "{\"boot\":1,\"seq\":3}");                                     // the old contiguous form
            backend.ack(id, "{\"boot\":1,\"stored\":[[3,2]],\"refused\":[]}");              // reversed range
            backend.ack(id, "{\"boot\":\"1\",\"stored\":[[0,3]],\"refused\":[]}");          // boot as a string
            backend.ack(id, "{\"boot\":1,\"stored\":[[0,3]],\"refused\":[]} trailing");    // trailing tokens
            backend.ack(id, "{\"boot\":4294967295,\"stored\":[[0,4294967295]],\"refused\":[]}"); // another boot
            backend.ack(id, "{\"boot\":1,\"stored\":[[100,200]],\"refused\":[]}");          // never sent
            await("7 ack payloads", () -> transport.counters(device).invalidAcks() == 5
                    && transport.counters(device).acks() == 2);
            assertEquals(range(1, 0, 3), outbox(device));
            DeliveryCounters counters = transport.counters(device);
            assertEquals(2, counters.unmatchedAcks());
            assertEquals(0, counters.storedNamed() + counters.refusedNamed());

            // a real ack for the readings that follow still works
            backend.ack(id, "{\"boot\":1,\"stored\":[[0,3]],\"refused\":[]}");
            assertTrue(transport.awaitEmpty(device, WAIT));
            assertEquals(new DeliveryCounters(4, 0, 0, 3, 4, 0, 2, 5, 0, 0), transport.counters(device));
        }
    }

    @Test
    void aFullOutboxDropsTheOldestAndCountsIt() throws Exception {
        Simulator simulator = Simulator.builder().stateDir(state).start(NOON).outboxCapacity(5).build();
        SimulatedDevice device = simulator.devices().get(0);
        try (MqttTransport transport = transport().window(2).build()) {
            transport.open(simulator.devices(), e -> { });
            simulator.run(transport, e -> { }, 8, 0, () -> true, () -> { });
            assertEquals(range(1, 3, 7), outbox(device));
            assertEquals(3, transport.counters(device).dropped());
            assertEquals(3, device.store().outboxDropped());
            // the next birth reports the total
            transport.reconnect(device);
            await("second birth", () -> backend.statuses(device).stream().filter(s -> s.contains("online")).count()
                    == 2);
            List<String> births = backend.statuses(device).stream().filter(s -> s.contains("online")).toList();
            assertEquals(3, JSON.readTree(births.get(1)).get("dropped").asLong());
            backend.ack(device.deviceIdHex(), "{\"boot\":1,\"stored\":[[0,7]],\"refused\":[]}");
            assertTrue(transport.awaitEmpty(device, WAIT));
            DeliveryCounters counters = transport.counters(device);
            assertEquals(5, counters.storedNamed(), "only what was still in the outbox");
            assertEquals(3, counters.dropped());
            // 0 and 1 went out before they were dropped; 3 and 4 (window 2) after the reconnection
            assertTrue(counters.sent() >= 2, counters.toString());
        }
    }

    @Test
    void aRebootKeepsEarlierBootReadingsAndSendsThemFirst() throws Exception {
        Simulator simulator = Simulator.builder().stateDir(state).start(NOON)
                .faults(Faults.NONE.withRebootEvery(3)).build();
        SimulatedDevice device = simulator.devices().get(0);
        try (MqttTransport transport = transport().build()) {
            transport.open(simulator.devices(), e -> { });
            simulator.run(transport, e -> { }, 5, 0, () -> true, () -> { });
            assertEquals(2, device.boot());
            await("boot 2 readings", () -> backend.order(device).containsAll(List.of("2/0", "2/1")));
            assertEquals(List.of("1/0", "1/1", "1/2", "2/0", "2/1"), outbox(device));
            List<String> order = backend.order(device);
            int firstOfBoot2 = order.indexOf("2/0");
            assertEquals(List.of("1/0", "1/1", "1/2"), order.subList(firstOfBoot2 - 3, firstOfBoot2),
                    "after the reboot, boot 1 is sent again, oldest first, before boot 2: " + order);
            assertTrue(order.subList(firstOfBoot2, order.size()).stream().allMatch(s -> s.startsWith("2/")), order
                    .toString());
            backend.ackStored(device.deviceIdHex(), 1, 0, 1, 2);
            backend.ackStored(device.deviceIdHex(), 2, 0, 1);
            assertTrue(transport.awaitEmpty(device, WAIT));
        }
    }

    @Test
    void aRestartSendsWhatTheEarlierBootLeftBeforeAnythingNew() throws Exception {
        Simulator simulator = fleet(1);
        SimulatedDevice device = simulator.devices().get(0);
        try (MqttTransport transport = transport().build()) {
            transport.open(simulator.devices(), e -> { });
            simulator.run(transport, e -> { }, 6, 0, () -> true, () -> { });
            await("6 readings", () -> backend.of(device).size() == 6);
            backend.ack(device.deviceIdHex(), "{\"boot\":1,\"stored\":[[0,3]],\"refused\":[]}");
            await("ack", () -> device.store().buffer().size() == 2);
        }
        Simulator restarted = Simulator.builder().stateDir(state).start(NOON.plusSeconds(60)).build();
        SimulatedDevice again = restarted.devices().get(0);
        assertEquals(2, again.boot());
        assertEquals(List.of("1/4", "1/5"), outbox(again));
        List<Emission> resent = new CopyOnWriteArrayList<>();
        try (MqttTransport transport = transport().build()) {
            transport.open(restarted.devices(), resent::add);
            restarted.run(transport, e -> { }, 1, 0, () -> true, () -> { });
            await("resent and new", () -> backend.of(again).size() == 9);
            assertEquals(List.of("1/4", "1/5", "2/0"), backend.order(again).subList(6, 9));
            assertEquals(List.of(4L, 5L), resent.stream().map(Emission::seq).toList());
            backend.ackStored(again.deviceIdHex(), 1, 4, 5);
            backend.ackStored(again.deviceIdHex(), 2, 0);
            assertTrue(transport.awaitEmpty(again, WAIT));
            assertEquals(new DeliveryCounters(1, 2, 0, 2, 3, 0, 0, 0, 0, 0), transport.counters(again));
        }
    }

    @Test
    void aRebootPublishesTheWillAndANewBirth() throws Exception {
        Simulator simulator = Simulator.builder().stateDir(state).start(NOON)
                .faults(Faults.NONE.withRebootEvery(2)).build();
        SimulatedDevice device = simulator.devices().get(0);
        try (MqttTransport transport = transport().build()) {
            transport.open(simulator.devices(), e -> { });
            simulator.run(transport, e -> { }, 3, 0, () -> true, () -> { });
            await("boot 2 birth", () -> backend.statuses(device).stream().anyMatch(s -> s.contains("\"boot\":2")
                    && s.contains("online")));
        }
        List<String> history = backend.statuses(device);
        assertTrue(history.contains("{\"state\":\"offline\",\"boot\":1}"),
                "the broker published the will of boot 1: " + history);
        assertTrue(history.get(0).contains("\"state\":\"online\",\"boot\":1"), history.toString());
    }

    @Test
    void publishOnceModeSendsEveryEnvelopeOnceInTheGivenOrderWithoutOutbox() throws Exception {
        Simulator simulator = Simulator.builder().stateDir(state).start(NOON).seed(3)
                .faults(Faults.NONE.withDuplicateRate(0.5)).build();
        SimulatedDevice device = simulator.devices().get(0);
        List<MqttTransport.Sent> sent = new CopyOnWriteArrayList<>();
        List<Emission> emitted = new ArrayList<>();
        try (MqttTransport transport = transport().publishOnce(true).statusMessages(false).listener(sent::add)
                .build()) {
            transport.open(simulator.devices(), e -> { });
            simulator.run(transport, emitted::add, 6, 0, () -> true, () -> { });
            transport.publishRaw(device, "garbage".getBytes(StandardCharsets.UTF_8));
            await("every publication", () -> backend.readings.size() == emitted.size() + 1);
            assertEquals(emitted.size() + 1, sent.size());
            assertEquals(0, device.store().buffer().size());
            assertEquals(emitted.size(), transport.counters(device).sent());
            assertEquals(1, transport.counters(device).injected());
            assertTrue(emitted.size() > 6, "some duplicates: " + emitted.size());
            assertEquals(emitted, sent.subList(0, emitted.size()).stream().map(MqttTransport.Sent::emission)
                    .toList());
            assertEquals(null, sent.get(emitted.size()).emission());
            assertTrue(backend.statuses(device).isEmpty(), "no status messages");
        }
    }

    @Test
    void anUnreachableBrokerKeepsReadingsInTheOutbox() throws Exception {
        Simulator simulator = fleet(1);
        SimulatedDevice device = simulator.devices().get(0);
        try (MqttTransport transport = MqttTransport.builder("tcp://127.0.0.1:9")
                .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(200)).build()) {
            transport.open(simulator.devices(), e -> { });
            simulator.run(transport, e -> { }, 3, 0, () -> true, () -> { });
            assertEquals(range(1, 0, 2), outbox(device));
            assertFalse(transport.isConnected(device));
            assertEquals(0, transport.counters(device).sent());
        }
        assertThrows(IllegalArgumentException.class, () -> new MqttTransport("not a uri").open(
                simulator.devices(), e -> { }));
        assertThrows(IllegalArgumentException.class, () -> MqttTransport.builder(MQTT_URL).topicRoot("a/+/b"));
        assertThrows(IllegalArgumentException.class, () -> MqttTransport.builder(MQTT_URL).credentialsSecret("short"));
        assertThrows(IllegalArgumentException.class, () -> MqttTransport.builder(MQTT_URL)
                .credentialsSecret("0123456789abcdef0123").credentials("u", "p").build());
        Simulator two = Simulator.builder().stateDir(state.resolve("two")).devices(2).start(NOON).build();
        assertThrows(IllegalArgumentException.class, () -> MqttTransport.builder(MQTT_URL).credentials("u", "p")
                .build().open(two.devices(), e -> { }));
    }
}
