package io.wattwitness.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattwitness.stack.MqttTestClient.Received;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped broker configuration's access rules (SPEC.md §6.3), against a Mosquitto process started with it on a
 * free port, its accounts and roles reconciled for a topic root other than the default (as tests and staging use).
 * Denied publishes are acknowledged by the broker and dropped, so each negative check publishes a legitimate message
 * after the forged ones: when it arrives, a forged one would have arrived before it (one publisher, one subscriber,
 * QoS 1: Mosquitto keeps their order). A refused subscription is answered with SUBACK 0x80 (128).
 */
class MosquittoAccessTest {

    private static final String ROOT = "wwtest/access/devices";
    private static final String A = TestBrokers.deviceId(0);
    private static final String B = TestBrokers.deviceId(1);
    private static final int REFUSED = 128;
    /** ingest-service's client ids: its device listener and its ack publisher. */
    private static final String INGEST_CLIENT = "wattwitness-ingest-0";
    private static final String INGEST_ACKS_CLIENT = INGEST_CLIENT + "-acks";

    @TempDir
    static Path dir;

    private static MosquittoProcess broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBrokers.start(dir, ROOT, TestBrokers.accounts(2));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static String topic(String device, String kind) {
        return ROOT + "/" + device + "/" + kind;
    }

    private static MqttTestClient device(String id) throws MqttException {
        return device(id, id);
    }

    /** Connects with a device's own credentials and a given client id. */
    private static MqttTestClient device(String id, String clientId) throws MqttException {
        return MqttTestClient.connect(broker.serverUri(), clientId, id, TestBrokers.password(id), true);
    }

    private static MqttTestClient ingest() throws MqttException {
        return MqttTestClient.connect(broker.serverUri(), "ingest-" + UUID.randomUUID(), TestBrokers.INGEST,
                TestBrokers.INGEST_PASSWORD, true);
    }

    @Test
    void anonymousConnectIsRefused() {
        int before = broker.count("disconnected, not authorised.");
        MqttException refused = assertThrows(MqttException.class,
                () -> MqttTestClient.connect(broker.serverUri(), "anonymous-" + UUID.randomUUID(), null, null, true));
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, refused.getReasonCode());
        broker.awaitLog("disconnected, not authorised.", before + 1, java.time.Duration.ofSeconds(10));
    }

    @Test
    void wrongPasswordAndUnknownAccountAreRefused() {
        MqttException otherDevicesPassword = assertThrows(MqttException.class, () -> MqttTestClient.connect(
                broker.serverUri(), A, A, TestBrokers.password(B), true));
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, otherDevicesPassword.getReasonCode());
        String unknown = TestBrokers.deviceId(99);
        MqttException notProvisioned = assertThrows(MqttException.class, () -> MqttTestClient.connect(
                broker.serverUri(), unknown, unknown, TestBrokers.password(unknown), true));
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, notProvisioned.getReasonCode());
    }

    @Test
    void deviceReadingsAndStatusReachIngestThroughItsSharedSubscription() throws Exception {
        try (MqttTestClient ingest = ingest(); MqttTestClient a = device(A)) {
            assertEquals(List.of(1, 1), List.of(boxed(ingest.subscribe(
                    TestBrokers.shared(ROOT, "readings"), TestBrokers.shared(ROOT, "status")))));
            a.publish(topic(A, "readings"), "reading-1");
            a.publish(topic(A, "status"), "{\"state\":\"online\"}");
            assertEquals(List.of(new Received(topic(A, "readings"), "reading-1"),
                    new Received(topic(A, "status"), "{\"state\":\"online\"}")), ingest.awaitReceived(2));
        }
    }

    @Test
    void deviceCannotPublishOnAnotherDevicesReadingsOrStatus() throws Exception {
        try (MqttTestClient ingest = ingest(); MqttTestClient a = device(A)) {
            ingest.subscribe(TestBrokers.shared(ROOT, "readings"), ROOT + "/+/status");
            a.publish(topic(B, "readings"), "forged-reading");
            a.publish(topic(B, "status"), "forged-status");
            a.publish(topic(A, "readings"), "barrier");
            assertEquals(List.of(new Received(topic(A, "readings"), "barrier")), ingest.awaitReceived(1));
            assertEquals(1, ingest.received().size(), "nothing after the barrier either: " + ingest.received());
        }
    }

    @Test
    void deviceCannotPublishOnAnyAckTopicOnlyIngestCan() throws Exception {
        try (MqttTestClient a = device(A); MqttTestClient b = device(B); MqttTestClient ingest = ingest()) {
            a.subscribe(topic(A, "ack"));
            b.subscribe(topic(B, "ack"));
            a.publish(topic(B, "ack"), "{\"boot\":4294967295,\"stored\":[[0,0]],\"refused\":[]}");
            a.publish(topic(A, "ack"), "self-ack");
            b.publish(topic(A, "ack"), "ack-from-b");
            ingest.publish(topic(A, "ack"), "real-ack-a");
            ingest.publish(topic(B, "ack"), "real-ack-b");
            assertEquals(List.of(new Received(topic(A, "ack"), "real-ack-a")), a.awaitReceived(1));
            assertEquals(List.of(new Received(topic(B, "ack"), "real-ack-b")), b.awaitReceived(1));
        }
    }

    @Test
    void aDevicesSubscriptionsToIngestsShareWildcardsAndOtherAcksAreRefused() throws Exception {
        try (MqttTestClient a = device(A)) {
            List<String> forbidden = List.of(
                    TestBrokers.shared(ROOT, "readings"), TestBrokers.shared(ROOT, "status"),
                    "$share/" + TestBrokers.GROUP + "/" + topic(A, "readings"),
                    "$share/other/" + ROOT + "/+/readings", "$share/x/" + topic(A, "ack"),
                    "#", ROOT + "/#", ROOT + "/+/ack", ROOT + "/+/readings", topic(B, "ack"), topic(A, "readings"),
                    "$SYS/#", "$CONTROL/dynamic-security/#");
            int[] granted = a.subscribe(forbidden.toArray(String[]::new));
            assertEquals(java.util.Collections.nCopies(forbidden.size(), REFUSED), List.of(boxed(granted)),
                    "SUBACK of " + forbidden);
            assertEquals(List.of(1), List.of(boxed(a.subscribe(topic(A, "ack")))), "its own acks");
            assertTrue(a.isConnected(), "a refused filter does not end the connection");
        }
    }

    /**
     * A device trying to join ingest's shared group while readings flow: every try is refused, so the broker never
     * hands it a share, and every reading published meanwhile reaches ingest, once.
     */
    @Test
    void whileADeviceTriesToJoinIngestsShareEveryReadingReachesIngest() throws Exception {
        int readings = 300;
        try (MqttTestClient ingest = ingest(); MqttTestClient hostile = device(A); MqttTestClient b = device(B)) {
            assertEquals(1, ingest.subscribe(TestBrokers.shared(ROOT, "readings"))[0]);
            List<org.eclipse.paho.client.mqttv3.IMqttDeliveryToken> pubacks = new java.util.ArrayList<>();
            int refusals = 0;
            for (int i = 0; i < readings; i++) {
                pubacks.add(b.publishAsync(topic(B, "readings"), "reading-" + i));
                if (i % 10 == 0) {
                    refusals += (int) java.util.Arrays.stream(hostile.subscribe(TestBrokers.shared(ROOT, "readings"),
                            "$share/" + TestBrokers.GROUP + "/" + topic(B, "readings"))).filter(q -> q == REFUSED)
                            .count();
                }
            }
            for (org.eclipse.paho.client.mqttv3.IMqttDeliveryToken puback : pubacks) {
                puback.waitForCompletion(MqttTestClient.TIMEOUT_MS);
            }
            assertEquals(readings / 10 * 2, refusals, "every attempt to join the share refused");
            List<Received> received = ingest.awaitReceived(readings);
            assertEquals(java.util.stream.IntStream.range(0, readings).mapToObj(i -> "reading-" + i)
                    .collect(java.util.stream.Collectors.toSet()),
                    received.stream().map(Received::payload).collect(java.util.stream.Collectors.toSet()));
            assertEquals(readings, received.size(), "each reading once");
            assertEquals(List.of(), hostile.received(), "nothing delivered to the hostile device");
            assertTrue(hostile.isConnected());
        }
    }

    @Test
    void aDeviceCannotConnectWithIngestsOrAnyOtherClientIdAndIngestStaysConnected() throws Exception {
        // clean sessions: a persistent member of the share would take its turn of the other tests' readings
        try (MqttTestClient ingest = MqttTestClient.connect(broker.serverUri(), INGEST_CLIENT, TestBrokers.INGEST,
                TestBrokers.INGEST_PASSWORD, true);
                MqttTestClient acks = MqttTestClient.connect(broker.serverUri(), INGEST_ACKS_CLIENT,
                        TestBrokers.INGEST, TestBrokers.INGEST_PASSWORD, true)) {
            assertEquals(1, ingest.subscribe(TestBrokers.shared(ROOT, "readings"))[0]);
            int refusedBefore = broker.count("disconnected, not authorised.");
            List<String> notItsOwn = List.of(INGEST_CLIENT, INGEST_ACKS_CLIENT, B, "ww-sim-" + A, A + "-2",
                    A.toUpperCase(java.util.Locale.ROOT), "");
            for (String clientId : notItsOwn) {
                MqttException refused = assertThrows(MqttException.class, () -> device(A, clientId).close(),
                        "client id '" + clientId + "'");
                assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, refused.getReasonCode(), clientId);
            }
            broker.awaitLog("disconnected, not authorised.", refusedBefore + notItsOwn.size(),
                    java.time.Duration.ofSeconds(10));
            try (MqttTestClient a = device(A)) {
                a.publish(topic(A, "readings"), "after-the-attempts");
            }
            assertEquals(List.of(new Received(topic(A, "readings"), "after-the-attempts")), ingest.awaitReceived(1));
            assertTrue(ingest.isConnected() && acks.isConnected(), "ingest's connections are still up");
            assertEquals(null, ingest.lost(), "the listener was never disconnected");
            assertEquals(null, acks.lost(), "the ack publisher was never disconnected");
            ingest.publish(topic(A, "ack"), "ack-still-possible");
            acks.publish(topic(A, "ack"), "ack-still-possible");
        }
    }

    @Test
    void ingestCannotPublishReadingsInADevicesName() throws Exception {
        try (MqttTestClient ingest = ingest(); MqttTestClient watcher = ingest()) {
            watcher.subscribe(ROOT + "/+/readings");
            ingest.publish(topic(A, "readings"), "from-ingest");
            try (MqttTestClient a = device(A)) {
                a.publish(topic(A, "readings"), "barrier");
            }
            assertEquals(List.of(new Received(topic(A, "readings"), "barrier")), watcher.awaitReceived(1));
        }
    }

    @Test
    void theDefaultRootIsNotOpenWhenTheRolesAreWrittenForAnotherRoot() throws Exception {
        try (MqttTestClient ingest = ingest(); MqttTestClient a = device(A)) {
            assertEquals(List.of(REFUSED, 1), List.of(boxed(ingest.subscribe(
                    MosquittoAcl.DEFAULT_TOPIC_ROOT + "/+/readings", ROOT + "/+/readings"))));
            a.publish(MosquittoAcl.DEFAULT_TOPIC_ROOT + "/" + A + "/readings", "default-root");
            a.publish(topic(A, "readings"), "barrier");
            assertEquals(List.of(new Received(topic(A, "readings"), "barrier")), ingest.awaitReceived(1));
        }
    }

    @Test
    void aClientSendingAnOversizePacketIsDisconnectedAndNothingIsDelivered() throws Exception {
        int before = broker.count("disconnected due to oversize packet.");
        try (MqttTestClient ingest = ingest()) {
            ingest.subscribe(TestBrokers.shared(ROOT, "readings"));
            try (MqttTestClient a = device(A)) {
                try {
                    a.publish(topic(A, "readings"), "x".repeat(100_000));
                } catch (MqttException e) {
                    // the broker closes the connection instead of answering
                }
                broker.awaitLog("disconnected due to oversize packet.", before + 1, java.time.Duration.ofSeconds(20));
            }
            try (MqttTestClient a = device(A)) {
                a.publish(topic(A, "readings"), "x".repeat(60_000));
            }
            List<Received> received = ingest.awaitReceived(1);
            assertEquals(List.of(60_000), received.stream().map(r -> r.payload().length()).toList());
        }
    }

    private static Integer[] boxed(int[] values) {
        return java.util.Arrays.stream(values).boxed().toArray(Integer[]::new);
    }
}
