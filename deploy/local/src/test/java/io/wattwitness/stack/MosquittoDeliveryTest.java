package io.wattwitness.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattwitness.stack.MqttTestClient.Received;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped configuration's queue limits and persistence (SPEC.md §6.2, §6.3): QoS 1 readings wait in the broker
 * for an offline ingest session instead of being dropped, and that session survives a {@code kill -9} of the broker.
 */
class MosquittoDeliveryTest {

    private static final String ROOT = MosquittoAcl.DEFAULT_TOPIC_ROOT;
    private static final String SHARED_READINGS = TestBrokers.shared(ROOT, "readings");
    private static final String INGEST_CLIENT = "wattwitness-ingest-0";
    /** About the size of a reading envelope (SPEC.md §4). */
    private static final String PADDING = "x".repeat(300);

    @TempDir
    Path dir;

    private MosquittoProcess broker;

    @AfterEach
    void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private MqttTestClient ingestSession() throws Exception {
        return MqttTestClient.connect(broker.serverUri(), INGEST_CLIENT, TestBrokers.INGEST,
                TestBrokers.INGEST_PASSWORD, false);
    }

    private MqttTestClient device(int n) throws Exception {
        String id = TestBrokers.deviceId(n);
        return MqttTestClient.connect(broker.serverUri(), id, id, TestBrokers.password(id), true);
    }

    private static String reading(int device, int seq) {
        return TestBrokers.deviceId(device) + ":" + seq + ":" + PADDING;
    }

    private static String readings(int device) {
        return ROOT + "/" + TestBrokers.deviceId(device) + "/readings";
    }

    @Test
    void aBurstOf20DevicesTimes1000ReadingsWaitsForTheOfflineIngestSessionAndIsDeliveredComplete() throws Exception {
        int devices = 20;
        int perDevice = 1_000;
        broker = TestBrokers.start(dir, ROOT, TestBrokers.accounts(devices));
        try (MqttTestClient ingest = ingestSession()) {
            assertEquals(1, ingest.subscribe(SHARED_READINGS)[0]);
        }
        List<MqttTestClient> meters = new ArrayList<>();
        try {
            for (int d = 0; d < devices; d++) {
                meters.add(device(d));
            }
            List<IMqttDeliveryToken> pubacks = new ArrayList<>();
            for (int seq = 0; seq < perDevice; seq++) {
                for (int d = 0; d < devices; d++) {
                    pubacks.add(meters.get(d).publishAsync(readings(d), reading(d, seq)));
                }
            }
            for (IMqttDeliveryToken puback : pubacks) {
                puback.waitForCompletion(MqttTestClient.TIMEOUT_MS);
            }
        } finally {
            for (MqttTestClient meter : meters) {
                meter.close();
            }
        }

        try (MqttTestClient ingest = ingestSession()) {
            assertTrue(ingest.sessionPresent(), "the broker kept the ingest session");
            List<Received> received = ingest.awaitReceived(devices * perDevice);
            Set<String> distinct = received.stream().map(Received::payload).collect(Collectors.toSet());
            assertEquals(devices * perDevice, distinct.size(), "distinct readings delivered");
            Map<String, Long> perTopic = new TreeMap<>(received.stream()
                    .collect(Collectors.groupingBy(Received::topic, Collectors.counting())));
            Map<String, Long> expected = new TreeMap<>();
            for (int d = 0; d < devices; d++) {
                expected.put(readings(d), (long) perDevice);
            }
            assertEquals(expected, perTopic);
        }
        assertEquals(0, broker.count("dropped"), broker.logSinceStart());
    }

    @Test
    void theIngestSessionAndItsQueuedReadingsSurviveKill9OfTheBroker() throws Exception {
        broker = TestBrokers.start(dir, ROOT, TestBrokers.accounts(1));
        try (MqttTestClient ingest = ingestSession()) {
            assertFalse(ingest.sessionPresent(), "a new session");
            ingest.subscribe(SHARED_READINGS);
        }
        Set<String> sent = new HashSet<>();
        try (MqttTestClient meter = device(0)) {
            for (int seq = 0; seq < 50; seq++) {
                meter.publish(readings(0), reading(0, seq));
                sent.add(reading(0, seq));
            }
            meter.publishRetained(ROOT + "/" + TestBrokers.deviceId(0) + "/status", "{\"state\":\"online\"}");
        }
        // every PUBACK came before this count: the next save holds all 50 readings
        int saves = broker.count("Saving in-memory database");
        broker.awaitLog("Saving in-memory database", saves + 1, Duration.ofSeconds(30));
        long before = broker.pid();
        broker.kill9();
        broker.restart();
        assertTrue(broker.pid() != before, "a new process");

        try (MqttTestClient ingest = ingestSession()) {
            assertTrue(ingest.sessionPresent(), "the session was restored from mosquitto.db");
            List<Received> queued = ingest.awaitReceived(50);
            assertEquals(sent, queued.stream().map(Received::payload).collect(Collectors.toSet()));
            try (MqttTestClient meter = device(0)) {
                // Mosquitto 2.0.11 restores the session's shared subscription without matching anything: this
                // reading finds no subscriber and is dropped (its device's ack timeout sends it again) ...
                meter.publish(readings(0), reading(0, 50));
                // ... until ingest subscribes again, which it therefore does on every connection
                assertEquals(1, ingest.subscribe(SHARED_READINGS)[0]);
                meter.publish(readings(0), reading(0, 51));
                meter.publish(readings(0), reading(0, 52));
            }
            // one copy each: renewing the subscription does not double it
            List<Received> all = ingest.awaitReceived(52);
            assertEquals(List.of(reading(0, 51), reading(0, 52)),
                    all.subList(50, all.size()).stream().map(Received::payload).toList(),
                    "reading 50 was published before the subscription was renewed");
        }
        try (MqttTestClient watcher = MqttTestClient.connect(broker.serverUri(), "status-watcher",
                TestBrokers.INGEST, TestBrokers.INGEST_PASSWORD, true)) {
            watcher.subscribe(ROOT + "/+/status");
            assertEquals(List.of(new Received(ROOT + "/" + TestBrokers.deviceId(0) + "/status",
                    "{\"state\":\"online\"}")), watcher.awaitReceived(1), "the retained status was saved too");
        }
    }
}
