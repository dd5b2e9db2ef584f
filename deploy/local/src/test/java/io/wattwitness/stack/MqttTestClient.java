package io.wattwitness.stack;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A Paho MQTT 3.1.1 client for the broker tests that records every message it receives (topic and payload). */
final class MqttTestClient implements MqttCallback, AutoCloseable {

    static final long TIMEOUT_MS = 20_000;

    /** One received message. */
    record Received(String topic, String payload) {
    }

    private final MqttAsyncClient client;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile boolean sessionPresent;
    private volatile Throwable lost;

    private MqttTestClient(MqttAsyncClient client) {
        this.client = client;
    }

    /**
     * Connects; throws the broker's refusal as an {@link MqttException}.
     *
     * @param serverUri broker
     * @param clientId client id
     * @param username username or null for anonymous
     * @param password password or null
     * @param cleanSession MQTT clean session flag
     */
    static MqttTestClient connect(String serverUri, String clientId, String username, String password,
            boolean cleanSession) throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(serverUri, clientId, new MemoryPersistence());
        MqttTestClient wrapper = new MqttTestClient(client);
        client.setCallback(wrapper);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(cleanSession);
        options.setAutomaticReconnect(false);
        options.setMaxInflight(2_000);
        options.setConnectionTimeout(10);
        if (username != null) {
            options.setUserName(username);
            options.setPassword(password.toCharArray());
        }
        try {
            IMqttToken token = client.connect(options);
            token.waitForCompletion(TIMEOUT_MS);
            wrapper.sessionPresent = token.getSessionPresent();
        } catch (MqttException e) {
            client.close(true);
            throw e;
        }
        return wrapper;
    }

    /** Subscribes at QoS 1 and returns the granted QoS of each filter (128 = refused). */
    int[] subscribe(String... filters) throws MqttException {
        int[] qos = new int[filters.length];
        java.util.Arrays.fill(qos, 1);
        IMqttToken token = client.subscribe(filters, qos);
        token.waitForCompletion(TIMEOUT_MS);
        return token.getGrantedQos();
    }

    /** Publishes at QoS 1 and waits for the PUBACK. */
    void publish(String topic, String payload) throws MqttException {
        publishAsync(topic, payload).waitForCompletion(TIMEOUT_MS);
    }

    /** Publishes a retained message at QoS 1 and waits for the PUBACK. */
    void publishRetained(String topic, String payload) throws MqttException {
        client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, true).waitForCompletion(TIMEOUT_MS);
    }

    /** Publishes at QoS 1 without waiting. */
    IMqttDeliveryToken publishAsync(String topic, String payload) throws MqttException {
        return client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    /** Waits until at least {@code count} messages arrived (bounded) and returns them all. */
    List<Received> awaitReceived(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        synchronized (received) {
            while (received.size() < count && System.nanoTime() < deadline) {
                received.wait(200);
            }
        }
        return List.copyOf(received);
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    boolean sessionPresent() {
        return sessionPresent;
    }

    boolean isConnected() {
        return client.isConnected();
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        received.add(new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8)));
        synchronized (received) {
            received.notifyAll();
        }
    }

    /** @return why the broker closed the connection, or null while it never did */
    Throwable lost() {
        return lost;
    }

    @Override
    public void connectionLost(Throwable cause) {
        lost = cause == null ? new IllegalStateException("connection lost") : cause;
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
        // publish() waits on its token
    }

    @Override
    public void close() throws MqttException {
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(TIMEOUT_MS);
            }
        } finally {
            client.close(true);
        }
    }
}
