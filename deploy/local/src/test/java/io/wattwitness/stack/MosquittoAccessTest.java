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
 * free port, with an ACL written for a topic root other than the default (as tests and staging use).
 * Denied publishes are acknowledged by the broker and dropped, so each negative check publishes a legitimate message
 * after the forged ones: when it arrives, a forged one would have arrived before it (one publisher, one subscriber,
 * QoS 1: Mosquitto keeps their order).
 */
class MosquittoAccessTest {

    private static final String ROOT = "wwtest/access/devices";
    private static final String A = TestBrokers.deviceId(0);
    private static final String B = TestBrokers.deviceId(1);

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
        return MqttTestClient.connect(broker.serverUri(), "dev-" + id + "-" + UUID.randomUUID(), id,
                TestBrokers.password(id), true);
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
                broker.serverUri(), "dev-" + UUID.randomUUID(), A, TestBrokers.password(B), true));
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, otherDevicesPassword.getReasonCode());
        String unknown = TestBrokers.deviceId(99);
        MqttException notProvisioned = assertThrows(MqttException.class, () -> MqttTestClient.connect(
                broker.serverUri(), "dev-" + UUID.randomUUID(), unknown, TestBrokers.password(unknown), true));
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, notProvisioned.getReasonCode());
    }

    @Test
    void deviceReadingsAndStatusReachIngestThroughItsSharedSubscription() throws Exception {
        try (MqttTestClient ingest = ingest(); MqttTestClient a = device(A)) {
            assertEquals(List.of(1, 1), List.of(boxed(ingest.subscribe(
                    "$share/ingest/" + ROOT + "/+/readings", "$share/ingest/" + ROOT + "/+/status"))));
            a.publish(topic(A, "readings"), "reading-1");
            a.publish(topic(A, "status"), "{\"state\":\"online\"}");
            assertEquals(List.of(new Received(topic(A, "readings"), "reading-1"),
                    new Received(topic(A, "status"), "{\"state\":\"online\"}")), ingest.awaitReceived(2));
        }
    }

    @Test
    void deviceCannotPublishOnAnotherDevicesReadingsOrStatus() throws Exception {
        try (MqttTestClient ingest = ingest(); MqttTestClient a = device(A)) {
            ingest.subscribe("$share/ingest/" + ROOT + "/+/readings", ROOT + "/+/status");
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
    void deviceReceivesOnlyItsOwnAcksWhateverItSubscribesTo() throws Exception {
        try (MqttTestClient a = device(A); MqttTestClient ingest = ingest(); MqttTestClient b = device(B)) {
            // Mosquitto 2.0.11 grants these subscriptions (its ACL file is checked when a message is delivered)
            a.subscribe(topic(B, "ack"), "$share/x/" + topic(B, "ack"), ROOT + "/+/ack", "#",
                    "$share/x/" + ROOT + "/+/readings");
            ingest.publish(topic(B, "ack"), "ack-for-b");
            b.publish(topic(B, "readings"), "reading-of-b");
            b.publish(topic(B, "status"), "status-of-b");
            ingest.publish(topic(A, "ack"), "ack-for-a");
            List<Received> received = a.awaitReceived(1);
            assertEquals(new Received(topic(A, "ack"), "ack-for-a"), received.get(0));
            assertTrue(received.stream().allMatch(r -> r.topic().equals(topic(A, "ack"))), received.toString());
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
    void theDefaultRootIsNotOpenWhenTheAclIsWrittenForAnotherRoot() throws Exception {
        try (MqttTestClient ingest = ingest(); MqttTestClient a = device(A)) {
            ingest.subscribe(MosquittoAcl.DEFAULT_TOPIC_ROOT + "/+/readings", ROOT + "/+/readings");
            a.publish(MosquittoAcl.DEFAULT_TOPIC_ROOT + "/" + A + "/readings", "default-root");
            a.publish(topic(A, "readings"), "barrier");
            assertEquals(List.of(new Received(topic(A, "readings"), "barrier")), ingest.awaitReceived(1));
        }
    }

    @Test
    void aClientSendingAnOversizePacketIsDisconnectedAndNothingIsDelivered() throws Exception {
        int before = broker.count("disconnected due to oversize packet.");
        try (MqttTestClient ingest = ingest()) {
            ingest.subscribe("$share/ingest/" + ROOT + "/+/readings");
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
