package io.wattwitness.ingest.messaging;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A Paho MQTT 3.1.1 client against the machine's Mosquitto ({@code MQTT_HOST}/{@code MQTT_PORT}, default
 * 127.0.0.1:1883) that records every message it receives, callback installed before connecting.
 */
final class MqttTestClient implements AutoCloseable {

    /**
     * A received message.
     *
     * @param topic the topic
     * @param payload UTF-8 text
     * @param qos the QoS it was delivered with
     * @param retained the retain flag
     */
    record Received(String topic, String payload, int qos, boolean retained) {
    }

    private final MqttClient client;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private MqttTestClient(String clientId, boolean cleanSession) throws MqttException {
        client = new MqttClient(serverUri(), clientId, new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                // the test sees missing messages
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8),
                        message.getQos(), message.isRetained()));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // publish() waits for completion
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(cleanSession);
        options.setAutomaticReconnect(false);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        // a synchronous QoS 1 publish can return before Paho leaves its in-flight count, so a tight loop of them
        // overruns its default window of 10 ("Too many publishes in progress")
        options.setMaxInflight(1000);
        client.connect(options);
    }

    /** @return a client with a random id and a clean session */
    static MqttTestClient connect() throws MqttException {
        return new MqttTestClient("ww-ingest-test-" + UUID.randomUUID(), true);
    }

    /**
     * @param clientId the client id
     * @param cleanSession false to create or resume a persistent session
     * @return a connected client
     */
    static MqttTestClient connect(String clientId, boolean cleanSession) throws MqttException {
        return new MqttTestClient(clientId, cleanSession);
    }

    static String serverUri() {
        String host = System.getenv().getOrDefault("MQTT_HOST", "127.0.0.1");
        String port = System.getenv().getOrDefault("MQTT_PORT", "1883");
        return "tcp://" + host + ":" + port;
    }

    /** Publishes at QoS 1, not retained, and waits for the broker's PUBACK. */
    void publish(String topic, byte[] payload) throws MqttException {
        client.publish(topic, payload, 1, false);
    }

    /** Subscribes at QoS 1; messages are recorded in {@link #received()}. */
    void subscribe(String... filters) throws MqttException {
        int[] qos = new int[filters.length];
        Arrays.fill(qos, 1);
        client.subscribe(filters, qos);
    }

    /** Subscribes at QoS 1 and disconnects, leaving the subscriptions in the (persistent) session. */
    void subscribeAndClose(String... filters) throws MqttException {
        try {
            subscribe(filters);
        } finally {
            close();
        }
    }

    /** @return messages received so far, in arrival order */
    List<Received> received() {
        return received;
    }

    /** @return payloads received so far on one topic, in arrival order */
    List<String> payloads(String topic) {
        return received.stream().filter(r -> r.topic().equals(topic)).map(Received::payload).toList();
    }

    /**
     * Removes a persistent session from the broker: connects with a clean session and disconnects.
     *
     * @param clientId the session's client id
     */
    static void discardSession(String clientId) throws MqttException {
        new MqttTestClient(clientId, true).close();
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect();
        }
        client.close();
    }
}
