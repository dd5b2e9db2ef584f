package io.wattwitness.ingest.messaging;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.wattwitness.ingest.service.DeviceTopics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * Gives the test run its own MQTT topic root ({@code wwtest-<run>/v1/devices}), so that tests sharing the machine's
 * broker neither see nor acknowledge each other's devices, and prepares the persistent-session scenario before the
 * application starts: creates the broker session of a fresh
 * ingest client id (clean-session=false, both shared subscriptions {@code $share/<group>/…}, then disconnected,
 * exactly as a stopped replica leaves it) and publishes {@value #READINGS} readings of a device while ingest is
 * "down". The application is then started with that client id. The run also gets its own consumer group for
 * {@code devices.acks}, so that a run against a shared Kafka broker relays only what it is given.
 * <p>
 * Shares with the tests, through system properties: {@code wattwitness.test.offline.device},
 * {@code wattwitness.test.offline.payloads} (one envelope per line), {@code wattwitness.test.ingest-client} and
 * {@value #TOPIC_ROOT_PROPERTY}. The session is discarded on stop.
 */
public class OfflineReadingsTestResource implements QuarkusTestResourceLifecycleManager {

    /** Readings published while the service is down: boot 1, seq 0..4. */
    static final int READINGS = 5;
    static final long BOOT = 1;
    /** System property holding the topic root of this test run. */
    static final String TOPIC_ROOT_PROPERTY = "wattwitness.test.topic-root";
    /** Share name of the ingest subscriptions in the tests (the default of {@code ingest.mqtt.shared-group}). */
    static final String SHARED_GROUP = "wattwitness-ingest";

    private String ingestClientId;

    @Override
    public Map<String, String> start() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        ingestClientId = "ww-ingest-test-" + run;
        String root = "wwtest-" + run + "/v1/devices";
        System.setProperty(TOPIC_ROOT_PROPERTY, root);
        DeviceTopics topics = new DeviceTopics(root);
        TestDevice device = new TestDevice();
        List<String> payloads = new ArrayList<>();
        try {
            MqttTestClient.connect(ingestClientId, false).subscribeAndClose(
                    topics.sharedReadingsFilter(SHARED_GROUP), topics.sharedStatusFilter(SHARED_GROUP));
            try (MqttTestClient publisher = MqttTestClient.connect()) {
                for (int seq = 0; seq < READINGS; seq++) {
                    byte[] envelope = device.envelope(BOOT, seq);
                    publisher.publish(device.readingsTopic(), envelope);
                    payloads.add(new String(envelope, StandardCharsets.UTF_8));
                }
            }
        } catch (MqttException e) {
            throw new IllegalStateException("the MQTT broker at " + MqttTestClient.serverUri() + " is required", e);
        }
        System.setProperty("wattwitness.test.offline.device", device.id());
        System.setProperty("wattwitness.test.offline.payloads", String.join("\n", payloads));
        System.setProperty("wattwitness.test.ingest-client", ingestClientId);
        return Map.of("ingest.mqtt.client-id", ingestClientId, "ingest.mqtt.topic-root", root,
                "ingest.mqtt.shared-group", SHARED_GROUP,
                "mp.messaging.incoming.devices-acks.group.id", "ww-ingest-test-acks-" + run);
    }

    @Override
    public void stop() {
        try {
            MqttTestClient.discardSession(ingestClientId);
        } catch (MqttException e) {
            throw new IllegalStateException("cannot discard the test sessions", e);
        }
    }
}
