package io.wattwitness.systemtests.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wattwitness.reading.ReadingFormatException;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.simulator.repository.ResendBuffer;
import io.wattwitness.simulator.service.Emission;
import io.wattwitness.simulator.service.Fault;
import io.wattwitness.simulator.service.SimulatedDevice;
import io.wattwitness.simulator.service.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The device side of the MQTT protocol (reading-format SPEC.md §6) under a configurable topic root, so that a test
 * run on the shared Mosquitto neither sees nor acknowledges anyone else's devices (ingest-service's
 * {@code MQTT_TOPIC_ROOT}). The simulator's own {@code MqttTransport} always uses {@code wattwitness/v1/devices}.
 * <p>
 * One Paho client per device ({@code wwst-<device id>}, clean session, QoS 1). With a resend delay, every reading
 * is kept in the device's {@link ResendBuffer} until ingest acknowledges it on {@code <root>/{id}/ack}; when no ack
 * has moved a device's buffer for {@code resendAfter}, the whole buffer is sent again, oldest first (what the
 * firmware does after a lost connection). Without one (zero), nothing is buffered or resent: every envelope goes
 * out exactly once, as the end-to-end test's bookkeeping wants. Status (birth / last will) messages are not sent: they are retained on the broker and would outlive
 * the run. Every publication is reported to the listener with its wall-clock send time.
 */
public final class DeviceMqttTransport implements Transport {

    /**
     * One publication.
     *
     * @param topicDeviceId the device id in the topic it was published on
     * @param payload the bytes published
     * @param sentAtMs wall-clock time just before publishing, Unix ms
     * @param emission the simulator's emission, or null for a hand-made payload ({@link #publishRaw})
     * @param resend whether it was a resend of a buffered reading
     */
    public record Sent(String topicDeviceId, byte[] payload, long sentAtMs, Emission emission, boolean resend) {
    }

    private static final Logger LOG = Logger.getLogger(DeviceMqttTransport.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_MS = 30_000;

    private final String serverUri;
    private final String topicRoot;
    private final long resendAfterNanos;
    private final Consumer<Sent> listener;
    private final Map<SimulatedDevice, Link> links = new ConcurrentHashMap<>();
    private volatile Consumer<Emission> resent = e -> { };

    /**
     * @param serverUri e.g. {@code tcp://127.0.0.1:1883}
     * @param topicRoot device topics are {@code <root>/{id}/readings} and {@code <root>/{id}/ack}
     * @param resendAfter resend a device's buffer when no ack arrived for this long; zero = no buffer, no resend
     * @param listener sees every publication (thread-safe: devices may publish from several threads)
     */
    public DeviceMqttTransport(String serverUri, String topicRoot, Duration resendAfter, Consumer<Sent> listener) {
        this.serverUri = serverUri;
        this.topicRoot = topicRoot;
        this.resendAfterNanos = resendAfter.toNanos();
        this.listener = listener;
    }

    @Override
    public void open(List<SimulatedDevice> devices, Consumer<Emission> resentListener) throws MqttException {
        this.resent = resentListener;
        for (SimulatedDevice device : devices) {
            Link link = new Link(device);
            links.put(device, link);
            link.connect();
        }
    }

    @Override
    public void send(SimulatedDevice device, Emission emission) {
        Link link = link(device);
        if (resendAfterNanos > 0) {
            device.store().buffer().add(emission.boot(), emission.seq(), emission.envelope());
        }
        link.publish(emission.envelope().toJson().getBytes(StandardCharsets.UTF_8), emission, false);
    }

    /**
     * Publishes arbitrary bytes on a device's readings topic, outside the resend buffer (malformed envelopes,
     * another device's message).
     *
     * @param device whose topic to use
     * @param payload the bytes
     */
    public void publishRaw(SimulatedDevice device, byte[] payload) {
        link(device).publish(payload, null, false);
    }

    /** Resends the buffer of every device whose acks have not moved for {@code resendAfter}. */
    @Override
    public void flush() {
        if (resendAfterNanos <= 0) {
            return;
        }
        for (Link link : links.values()) {
            link.resendIfStale();
        }
    }

    /**
     * Flushes until every device's buffer is empty (everything acknowledged) or the timeout passes.
     *
     * @param timeout upper bound
     * @return whether every buffer is empty
     */
    public boolean drain(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (links.keySet().stream().allMatch(d -> d.store().buffer().size() == 0)) {
                return true;
            }
            flush();
            Poll.pause(Duration.ofMillis(200));
        }
        return links.keySet().stream().allMatch(d -> d.store().buffer().size() == 0);
    }

    /**
     * @param device a device opened on this transport
     * @return acknowledgements received for it
     */
    public int acks(SimulatedDevice device) {
        return link(device).acks;
    }

    /**
     * @param deviceIdHex 16 hex digits
     * @return {@code <root>/{id}/readings}
     */
    public String readingsTopic(String deviceIdHex) {
        return topicRoot + "/" + deviceIdHex + "/readings";
    }

    @Override
    public void close() {
        for (Link link : links.values()) {
            link.close();
        }
        links.clear();
    }

    private Link link(SimulatedDevice device) {
        Link link = links.get(device);
        if (link == null) {
            throw new IllegalArgumentException("device " + device.deviceIdHex() + " is not open on this transport");
        }
        return link;
    }

    /** One device's client. */
    private final class Link implements MqttCallbackExtended {
        private final SimulatedDevice device;
        private final String id;
        private final MqttAsyncClient client;
        private volatile long lastProgressNanos = System.nanoTime();
        private volatile int acks;

        Link(SimulatedDevice device) throws MqttException {
            this.device = device;
            this.id = device.deviceIdHex();
            this.client = new MqttAsyncClient(serverUri, "wwst-" + id, new MemoryPersistence());
            client.setCallback(this);
        }

        void connect() throws MqttException {
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            options.setAutomaticReconnect(true);
            options.setMaxReconnectDelay(2_000);
            options.setKeepAliveInterval(30);
            options.setConnectionTimeout(10);
            options.setMaxInflight(1_000);
            client.connect(options).waitForCompletion(TIMEOUT_MS);
            client.subscribe(topicRoot + "/" + id + "/ack", 1).waitForCompletion(TIMEOUT_MS);
        }

        void publish(byte[] payload, Emission emission, boolean resend) {
            long sentAtMs = System.currentTimeMillis();
            try {
                IMqttDeliveryToken token = client.publish(readingsTopic(id), payload, 1, false);
                token.waitForCompletion(TIMEOUT_MS);
            } catch (MqttException e) {
                LOG.warning("publish for " + id + " failed (" + e + "); the reading stays buffered");
            }
            listener.accept(new Sent(id, payload, sentAtMs, emission, resend));
        }

        void resendIfStale() {
            ResendBuffer buffer = device.store().buffer();
            if (buffer.size() == 0 || System.nanoTime() - lastProgressNanos < resendAfterNanos
                    || !client.isConnected()) {
                return;
            }
            List<ResendBuffer.Entry> entries = buffer.entries();
            LOG.info(() -> "no ack for " + id + " lately: resending " + entries.size() + " buffered readings");
            for (ResendBuffer.Entry entry : entries) {
                Emission again = new Emission(device.index(), id, entry.boot(), entry.seq(),
                        decodeOrNull(entry.envelope().message()), entry.envelope(), Fault.RESEND, true, 0);
                publish(entry.envelope().toJson().getBytes(StandardCharsets.UTF_8), again, true);
                resent.accept(again);
            }
            lastProgressNanos = System.nanoTime();
        }

        @Override
        public void connectComplete(boolean reconnect, String uri) {
            if (!reconnect) {
                return;
            }
            try {
                client.subscribe(topicRoot + "/" + id + "/ack", 1);
            } catch (MqttException e) {
                LOG.warning("cannot subscribe to acks of " + id + " after reconnecting: " + e);
            }
            lastProgressNanos = 0;
        }

        @Override
        public void connectionLost(Throwable cause) {
            LOG.warning("device " + id + " lost its MQTT connection: " + cause);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            try {
                JsonNode ack = JSON.readTree(message.getPayload());
                if (ack.path("boot").canConvertToLong() && ack.path("seq").canConvertToLong()) {
                    device.store().buffer().acknowledge(ack.get("boot").asLong(), ack.get("seq").asLong());
                    acks++;
                    lastProgressNanos = System.nanoTime();
                    return;
                }
            } catch (IOException e) {
                // reported below
            }
            LOG.warning("ignored ack for " + id + ": " + new String(message.getPayload(), StandardCharsets.UTF_8));
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // completion is awaited where published
        }

        void close() {
            try {
                if (client.isConnected()) {
                    client.disconnect(2_000).waitForCompletion(TIMEOUT_MS);
                }
                client.close(true);
            } catch (MqttException e) {
                LOG.fine(() -> "close of " + id + ": " + e);
            }
        }
    }

    private static ReadingMessage decodeOrNull(byte[] message) {
        try {
            return ReadingMessage.decode(message);
        } catch (ReadingFormatException e) {
            return null;
        }
    }

    /**
     * @return every device's unacknowledged readings, by device id
     */
    public Map<String, Integer> buffered() {
        Map<String, Integer> out = new TreeMap<>();
        for (SimulatedDevice device : links.keySet()) {
            out.put(device.deviceIdHex(), device.store().buffer().size());
        }
        return out;
    }

    /** @return the devices opened on this transport */
    public List<SimulatedDevice> devices() {
        return new ArrayList<>(links.keySet());
    }
}
