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
 * ingest client id (clean-session=false, both subscriptions, then disconnected, exactly as a stopped ingest leaves
 * it), creates a persistent session for a device listening to its ack topic, and publishes {@value #READINGS}
 * readings of that device while ingest is "down". The application is then started with that client id.
 * <p>
 * Shares with the tests, through system properties: {@code wattwitness.test.offline.device},
 * {@code wattwitness.test.offline.device-client}, {@code wattwitness.test.offline.payloads} (one envelope per line)
 * {@code wattwitness.test.ingest-client} and {@value #TOPIC_ROOT_PROPERTY}. Both sessions are discarded on stop.
 */
public class OfflineReadingsTestResource implements QuarkusTestResourceLifecycleManager {

    /** Readings published while the service is down: boot 1, seq 0..4. */
    static final int READINGS = 5;
    static final long BOOT = 1;
    /** System property holding the topic root of this test run. */
    static final String TOPIC_ROOT_PROPERTY = "wattwitness.test.topic-root";

    private String ingestClientId;
    private String deviceClientId;

    @Override
    public Map<String, String> start() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        ingestClientId = "ww-ingest-test-" + run;
        deviceClientId = "ww-device-test-" + run;
        String root = "wwtest-" + run + "/v1/devices";
        System.setProperty(TOPIC_ROOT_PROPERTY, root);
        DeviceTopics topics = new DeviceTopics(root);
        TestDevice device = new TestDevice();
        List<String> payloads = new ArrayList<>();
        try {
            MqttTestClient.connect(ingestClientId, false).subscribeAndClose(topics.readingsFilter(),
                    topics.statusFilter());
            MqttTestClient.connect(deviceClientId, false).subscribeAndClose(device.ackTopic());
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
        System.setProperty("wattwitness.test.offline.device-client", deviceClientId);
        System.setProperty("wattwitness.test.offline.payloads", String.join("\n", payloads));
        System.setProperty("wattwitness.test.ingest-client", ingestClientId);
        return Map.of("ingest.mqtt.client-id", ingestClientId, "ingest.mqtt.topic-root", root);
    }

    @Override
    public void stop() {
        try {
            MqttTestClient.discardSession(ingestClientId);
            MqttTestClient.discardSession(deviceClientId);
        } catch (MqttException e) {
            throw new IllegalStateException("cannot discard the test sessions", e);
        }
    }
}
