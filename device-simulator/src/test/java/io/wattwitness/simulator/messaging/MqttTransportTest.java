package io.wattwitness.simulator.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wattwitness.reading.DeviceKey;
import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.MqttTopics;
import io.wattwitness.reading.ReadingFormatException;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.reading.ReadingVerifier;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against the machine's real Mosquitto ({@code MQTT_URL}, default {@code tcp://127.0.0.1:1883}). Every run makes
 * fresh device keys, so retained messages of earlier runs live on other topics.
 */
class MqttTransportTest {

    private static final String MQTT_URL = System.getenv().getOrDefault("MQTT_URL", "tcp://127.0.0.1:1883");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOON = Instant.parse("2024-06-21T18:00:00Z");

    @TempDir
    Path state;

    private MqttClient observer;
    private final List<String[]> received = new CopyOnWriteArrayList<>();
    private final Map<String, String> statuses = new ConcurrentHashMap<>();
    private final List<String> observedIds = new CopyOnWriteArrayList<>();

    @BeforeEach
    void connectObserver() throws MqttException {
        observer = new MqttClient(MQTT_URL, "ww-sim-test-" + UUID.randomUUID().toString().substring(0, 8),
                new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        observer.connect(options);
    }

    /** Clears the retained status of this run's devices so that the broker does not accumulate them. */
    @AfterEach
    void disconnectObserver() throws MqttException {
        for (String id : observedIds) {
            observer.publish(MqttTopics.status(id), new byte[0], 1, true);
        }
        observer.disconnect();
        observer.close();
    }

    private void observe(SimulatedDevice device) throws MqttException {
        String id = device.deviceIdHex();
        observedIds.add(id);
        observer.subscribe(MqttTopics.readings(id), 1,
                (topic, message) -> received.add(new String[] {topic, new String(message.getPayload(),
                        StandardCharsets.UTF_8)}));
        observer.subscribe(MqttTopics.status(id), 1,
                (topic, message) -> statuses.put(topic, new String(message.getPayload(), StandardCharsets.UTF_8)));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private List<String[]> receivedFor(SimulatedDevice device) {
        return received.stream().filter(r -> r[0].equals(MqttTopics.readings(device.deviceIdHex()))).toList();
    }

    @Test
    void severalDevicesPublishReadingsThatVerify() throws Exception {
        Simulator simulator = Simulator.builder().stateDir(state).devices(3).start(NOON).seed(11)
                .faults(Faults.NONE.withTamperRate(0.3)).build();
        Map<String, DeviceKey> keys = new HashMap<>();
        for (SimulatedDevice device : simulator.devices()) {
            observe(device);
            keys.put(device.deviceIdHex(), device.key());
        }
        List<Emission> emitted = new ArrayList<>();
        try (MqttTransport transport = new MqttTransport(MQTT_URL)) {
            transport.open(simulator.devices(), emitted::add);
            simulator.run(transport, emitted::add, 8, 0, () -> true, () -> { });
            await("24 readings", () -> received.size() >= 24);
            for (SimulatedDevice device : simulator.devices()) {
                await("birth of " + device.deviceIdHex(), () -> statuses.containsKey(
                        MqttTopics.status(device.deviceIdHex())));
                JsonNode birth = JSON.readTree(statuses.get(MqttTopics.status(device.deviceIdHex())));
                assertEquals("online", birth.get("state").asText());
                assertEquals(1, birth.get("boot").asLong());
                assertEquals("simulator-0.1", birth.get("firmware").asText());
                assertEquals(NOON.toEpochMilli(), birth.get("ts").asLong());
            }
        }
        assertEquals(24, received.size());
        long tampered = emitted.stream().filter(e -> e.fault() == Fault.TAMPERED).count();
        assertTrue(tampered > 0 && tampered < 24, "some tampered: " + tampered);
        Map<String, Integer> failures = new HashMap<>();
        int verified = 0;
        for (String[] message : received) {
            String id = MqttTopics.deviceIdOf(message[0]);
            JsonNode node = JSON.readTree(message[1]);
            Envelope envelope = Envelope.ofHex(node.get("message").asText(), node.get("signature").asText());
            assertEquals(id, envelope.deviceIdHex());
            try {
                ReadingMessage reading = ReadingVerifier.verify(keys.get(id), envelope.message(),
                        envelope.signature()).reading();
                assertEquals(1, reading.boot());
                verified++;
            } catch (ReadingFormatException e) {
                failures.merge(e.code().wire(), 1, Integer::sum);
            }
        }
        assertEquals(24 - tampered, verified);
        assertEquals(Map.of("bad_signature", (int) tampered), failures);
        // the clean shutdown leaves the retained status offline
        for (SimulatedDevice device : simulator.devices()) {
            await("offline status", () -> statuses.get(MqttTopics.status(device.deviceIdHex())).contains("offline"));
            assertEquals("{\"state\":\"offline\",\"boot\":1}", statuses.get(MqttTopics.status(device.deviceIdHex())));
        }
    }

    @Test
    void acknowledgedReadingsLeaveTheBufferAndTheRestIsResentOnReconnect() throws Exception {
        Simulator simulator = Simulator.builder().stateDir(state).start(NOON).build();
        SimulatedDevice device = simulator.devices().get(0);
        observe(device);
        List<Emission> resent = new CopyOnWriteArrayList<>();
        try (MqttTransport transport = new MqttTransport(MQTT_URL)) {
            transport.open(simulator.devices(), resent::add);
            simulator.run(transport, e -> { }, 6, 0, () -> true, () -> { });
            await("6 readings", () -> receivedFor(device).size() == 6);
            assertEquals(6, device.store().buffer().size());

            observer.publish(MqttTopics.ack(device.deviceIdHex()), "{\"boot\":1,\"seq\":3}".getBytes(
                    StandardCharsets.UTF_8), 1, false);
            await("ack", () -> device.store().buffer().size() == 2);
            assertEquals(List.of(4L, 5L), device.store().buffer().entries().stream()
                    .map(e -> e.seq()).toList());
            observer.publish(MqttTopics.ack(device.deviceIdHex()), "not json".getBytes(StandardCharsets.UTF_8), 1,
                    false);

            transport.reconnect(device);
            transport.flush();
            await("resend after reconnect", () -> receivedFor(device).size() == 8);
            assertEquals(List.of(4L, 5L), resent.stream().map(Emission::seq).toList());
            assertTrue(resent.stream().allMatch(e -> e.fault() == Fault.RESEND));
            assertEquals(1, transport.acksReceived(device));
        }

        // a restart (boot 2) resends what boot 1 left unacknowledged before anything new
        Simulator restarted = Simulator.builder().stateDir(state).start(NOON.plusSeconds(60)).build();
        SimulatedDevice again = restarted.devices().get(0);
        assertEquals(2, again.boot());
        assertEquals(2, again.store().buffer().size());
        received.clear();
        try (MqttTransport transport = new MqttTransport(MQTT_URL)) {
            transport.open(restarted.devices(), e -> { });
            restarted.run(transport, e -> { }, 1, 0, () -> true, () -> { });
            await("resent and new", () -> receivedFor(again).size() == 3);
            List<String> order = new ArrayList<>();
            for (String[] message : receivedFor(again)) {
                JsonNode node = JSON.readTree(message[1]);
                ReadingMessage reading = ReadingMessage.decode(Envelope.ofHex(node.get("message").asText(),
                        node.get("signature").asText()).message());
                order.add(reading.boot() + "/" + reading.seq());
            }
            assertEquals(List.of("1/4", "1/5", "2/0"), order);
            observer.publish(MqttTopics.ack(again.deviceIdHex()), "{\"boot\":2,\"seq\":0}".getBytes(
                    StandardCharsets.UTF_8), 1, false);
            await("everything acknowledged", () -> again.store().buffer().size() == 0);
            // a repeated ack (QoS 1 redelivery) and an older one change nothing and are counted apart
            observer.publish(MqttTopics.ack(again.deviceIdHex()), "{\"boot\":2,\"seq\":0}".getBytes(
                    StandardCharsets.UTF_8), 1, false);
            observer.publish(MqttTopics.ack(again.deviceIdHex()), "{\"boot\":1,\"seq\":5}".getBytes(
                    StandardCharsets.UTF_8), 1, false);
            await("two duplicate acks", () -> transport.duplicateAcksReceived(again) == 2);
            assertEquals(1, transport.acksReceived(again));
            assertEquals(0, again.store().buffer().size());
        }
    }

    @Test
    void aRebootPublishesTheWillAndANewBirth() throws Exception {
        Simulator simulator = Simulator.builder().stateDir(state).start(NOON)
                .faults(Faults.NONE.withRebootEvery(2)).build();
        SimulatedDevice device = simulator.devices().get(0);
        observe(device);
        List<String> statusHistory = new CopyOnWriteArrayList<>();
        observer.subscribe(MqttTopics.status(device.deviceIdHex()), 1,
                (topic, message) -> statusHistory.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
        try (MqttTransport transport = new MqttTransport(MQTT_URL)) {
            transport.open(simulator.devices(), e -> { });
            simulator.run(transport, e -> { }, 3, 0, () -> true, () -> { });
            await("readings of two boots", () -> receivedFor(device).size() >= 3);
            await("boot 2 birth", () -> statusHistory.stream().anyMatch(s -> s.contains("\"boot\":2")
                    && s.contains("online")));
        }
        assertTrue(statusHistory.contains("{\"state\":\"offline\",\"boot\":1}"),
                "the broker published the will of boot 1: " + statusHistory);
        assertTrue(statusHistory.get(0).contains("\"state\":\"online\",\"boot\":1"), statusHistory.toString());
    }

    @Test
    void anUnreachableBrokerBuffersReadings() throws Exception {
        Simulator simulator = Simulator.builder().stateDir(state).start(NOON).build();
        SimulatedDevice device = simulator.devices().get(0);
        try (MqttTransport transport = new MqttTransport("tcp://127.0.0.1:9")) {
            transport.open(simulator.devices(), e -> { });
            simulator.run(transport, e -> { }, 3, 0, () -> true, () -> { });
            assertEquals(3, device.store().buffer().size());
            assertFalse(transport.isConnected(device));
        }
        assertThrows(IllegalArgumentException.class, () -> new MqttTransport("not a uri").open(
                simulator.devices(), e -> { }));
    }
}
