package io.wattwitness.simulator.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wattwitness.reading.MqttTopics;
import io.wattwitness.reading.ReadingFormatException;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.simulator.repository.ResendBuffer;
import io.wattwitness.simulator.service.Emission;
import io.wattwitness.simulator.service.Fault;
import io.wattwitness.simulator.service.SimulatedDevice;
import io.wattwitness.simulator.service.Transport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The device protocol over MQTT (SPEC.md §4 and §6), one client per device, as the firmware does it:
 * <ul>
 *   <li>client id {@code ww-sim-<device id>}, clean session false, automatic reconnection;</li>
 *   <li>last will {@code {"state":"offline","boot":N}} and, on every connection, the birth message
 *       {@code {"state":"online","boot":N,"firmware":"simulator-0.1","ts":<unix ms>}}, both retained QoS 1 on
 *       {@code wattwitness/v1/devices/{id}/status};</li>
 *   <li>readings on {@code wattwitness/v1/devices/{id}/readings}, QoS 1, envelope JSON; each is kept in the device's
 *       {@link ResendBuffer} until the backend acknowledges it on {@code wattwitness/v1/devices/{id}/ack} with
 *       {@code {"boot":N,"seq":M}} (highest contiguous reading durably accepted);</li>
 *   <li>after every (re)connection the whole buffer is sent again, oldest first, before new readings;</li>
 *   <li>a simulated reboot drops the connection without DISCONNECT (so the broker publishes the will) and reconnects
 *       with the new boot number.</li>
 * </ul>
 */
public final class MqttTransport implements Transport {

    /** Firmware version announced in the birth message. */
    public static final String FIRMWARE = "simulator-0.1";

    private static final Logger LOG = Logger.getLogger(MqttTransport.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_MS = 30_000;
    private static final long RETRY_MS = 5_000;

    private final String serverUri;
    private final List<Link> links = new ArrayList<>();
    private Consumer<Emission> resent = e -> { };

    /** @param serverUri e.g. {@code tcp://127.0.0.1:1883} */
    public MqttTransport(String serverUri) {
        this.serverUri = serverUri;
    }

    @Override
    public void open(List<SimulatedDevice> devices, Consumer<Emission> resent) throws MqttException {
        this.resent = resent;
        for (SimulatedDevice device : devices) {
            Link link = new Link(device);
            links.add(link);
            link.connect();
        }
    }

    @Override
    public void send(SimulatedDevice device, Emission emission) {
        Link link = link(device);
        if (emission.boot() != link.boot) {
            link.restart();
        }
        link.resendIfNeeded();
        device.store().buffer().add(emission.boot(), emission.seq(), emission.envelope());
        if (!link.client.isConnected() || link.resendNeeded) {
            return;
        }
        try {
            link.publishReading(emission.envelope().toJson());
        } catch (MqttException e) {
            LOG.log(Level.WARNING, "publish failed for " + device.deviceIdHex() + ", kept for resend: " + e);
            link.resendNeeded = true;
        }
    }

    @Override
    public void flush() {
        for (Link link : links) {
            link.retryConnectIfNeeded();
            link.resendIfNeeded();
        }
    }

    /**
     * Drops a device's connection without DISCONNECT (the broker publishes its will) and connects again, which
     * resends its buffer. For tests of the resend behaviour.
     *
     * @param device the device
     */
    public void reconnect(SimulatedDevice device) {
        link(device).restart();
    }

    /**
     * @param device a device
     * @return whether its client is connected
     */
    public boolean isConnected(SimulatedDevice device) {
        return link(device).client.isConnected();
    }

    /**
     * @param device a device
     * @return distinct acknowledgements received for it: an ack that repeats or precedes the highest one already
     *     seen (an MQTT QoS 1 redelivery after a reconnection, for example) is not counted
     */
    public int acksReceived(SimulatedDevice device) {
        return link(device).acks;
    }

    /**
     * @param device a device
     * @return acknowledgements that repeated or preceded the highest one already seen; they remove nothing
     */
    public int duplicateAcksReceived(SimulatedDevice device) {
        return link(device).duplicateAcks;
    }

    @Override
    public void close() {
        for (Link link : links) {
            link.close();
        }
        links.clear();
    }

    private Link link(SimulatedDevice device) {
        for (Link link : links) {
            if (link.device == device) {
                return link;
            }
        }
        throw new IllegalArgumentException("device " + device.deviceIdHex() + " is not open on this transport");
    }

    /** One device's MQTT client. */
    private final class Link implements MqttCallbackExtended {
        private final SimulatedDevice device;
        private final String id;
        private volatile MqttAsyncClient client;
        private volatile boolean resendNeeded;
        private volatile boolean everConnected;
        private volatile int acks;
        private volatile int duplicateAcks;
        private long ackedBoot = -1;
        private long ackedSeq = -1;
        private long boot;
        private long lastAttemptMs;

        Link(SimulatedDevice device) throws MqttException {
            this.device = device;
            this.id = device.deviceIdHex();
            this.client = newClient();
            this.boot = device.boot();
        }

        private MqttAsyncClient newClient() throws MqttException {
            MqttAsyncClient created = new MqttAsyncClient(serverUri, "ww-sim-" + id, new MemoryPersistence());
            created.setCallback(this);
            return created;
        }

        private MqttConnectOptions options() {
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(false);
            options.setAutomaticReconnect(true);
            options.setMaxReconnectDelay(5_000);
            options.setKeepAliveInterval(30);
            options.setConnectionTimeout(10);
            options.setMaxInflight(1_000);
            options.setWill(MqttTopics.status(id), offline().getBytes(StandardCharsets.UTF_8), 1, true);
            return options;
        }

        private String offline() {
            return "{\"state\":\"offline\",\"boot\":" + boot + "}";
        }

        void connect() {
            lastAttemptMs = System.currentTimeMillis();
            try {
                client.connect(options()).waitForCompletion(TIMEOUT_MS);
                connected(true);
            } catch (MqttException e) {
                LOG.warning("MQTT " + serverUri + " not reachable for device " + id + " (" + e.getMessage()
                        + "); readings are buffered, retrying every " + RETRY_MS / 1000 + " s");
            }
        }

        /** Subscribes to acks, publishes the birth message and schedules a resend of the buffer. */
        private void connected(boolean wait) throws MqttException {
            everConnected = true;
            String birth = "{\"state\":\"online\",\"boot\":" + boot + ",\"firmware\":\"" + FIRMWARE + "\",\"ts\":"
                    + device.deviceTime().toEpochMilli() + "}";
            IMqttToken subscribed = client.subscribe(MqttTopics.ack(id), 1);
            IMqttToken born = client.publish(MqttTopics.status(id), birth.getBytes(StandardCharsets.UTF_8), 1, true);
            if (wait) {
                subscribed.waitForCompletion(TIMEOUT_MS);
                born.waitForCompletion(TIMEOUT_MS);
            }
            resendNeeded = true;
        }

        void retryConnectIfNeeded() {
            if (!everConnected && !client.isConnected() && System.currentTimeMillis() - lastAttemptMs >= RETRY_MS) {
                connect();
            }
        }

        /**
         * Reboot or connection loss: drop the link without DISCONNECT (the broker then publishes the will), throw the
         * client away like a rebooting ESP32 does, and connect a fresh one with the same client id and current boot.
         */
        void restart() {
            boot = device.boot();
            MqttAsyncClient old = client;
            try {
                old.setCallback(null);
                if (old.isConnected()) {
                    old.disconnectForcibly(0, 1_000, false);
                }
                old.close(true);
            } catch (MqttException e) {
                LOG.fine(() -> "forced disconnect of " + id + ": " + e);
            }
            try {
                client = newClient();
            } catch (MqttException e) {
                throw new IllegalStateException("cannot create an MQTT client for " + serverUri, e);
            }
            connect();
        }

        /** Automatic reconnections only; explicit connections are handled in {@link #connect()}. */
        @Override
        public void connectComplete(boolean reconnect, String uri) {
            if (!reconnect) {
                return;
            }
            try {
                connected(false);
                LOG.info("device " + id + " reconnected to " + uri + "; resending " + device.store().buffer().size()
                        + " unacknowledged readings");
            } catch (MqttException e) {
                LOG.warning("birth/subscribe failed for " + id + " after reconnection: " + e);
            }
        }

        void resendIfNeeded() {
            if (!resendNeeded || !client.isConnected()) {
                return;
            }
            ResendBuffer buffer = device.store().buffer();
            try {
                for (ResendBuffer.Entry entry : buffer.entries()) {
                    publishReading(entry.envelope().toJson());
                    resent.accept(new Emission(device.index(), id, entry.boot(), entry.seq(),
                            decodeOrNull(entry.envelope().message()), entry.envelope(), Fault.RESEND, true, 0));
                }
                resendNeeded = false;
            } catch (MqttException e) {
                LOG.warning("resend interrupted for " + id + ", will retry: " + e);
            }
        }

        void publishReading(String json) throws MqttException {
            IMqttDeliveryToken token = client.publish(MqttTopics.readings(id), json.getBytes(StandardCharsets.UTF_8),
                    1, false);
            token.waitForCompletion(TIMEOUT_MS);
        }

        @Override
        public void connectionLost(Throwable cause) {
            LOG.warning("device " + id + " lost its MQTT connection: " + cause + "; reconnecting");
        }

        @Override
        public synchronized void messageArrived(String topic, MqttMessage message) {
            if (!topic.equals(MqttTopics.ack(id))) {
                return;
            }
            String payload = new String(message.getPayload(), StandardCharsets.UTF_8);
            try {
                JsonNode node = JSON.readTree(payload);
                if (!node.path("boot").canConvertToLong() || !node.path("seq").canConvertToLong()) {
                    LOG.warning("ignored ack for " + id + " without numeric boot and seq: " + payload);
                    return;
                }
                long ackBoot = node.get("boot").asLong();
                long ackSeq = node.get("seq").asLong();
                int removed = device.store().buffer().acknowledge(ackBoot, ackSeq);
                if (ackBoot > ackedBoot || ackBoot == ackedBoot && ackSeq > ackedSeq) {
                    ackedBoot = ackBoot;
                    ackedSeq = ackSeq;
                    acks++;
                } else {
                    duplicateAcks++;
                }
                LOG.fine(() -> "ack " + payload + " for " + id + " removed " + removed + " buffered readings");
            } catch (IOException e) {
                LOG.warning("ignored ack for " + id + " that is not JSON: " + payload);
            }
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // completion is awaited where published
        }

        void close() {
            try {
                if (client.isConnected()) {
                    client.publish(MqttTopics.status(id), offline().getBytes(StandardCharsets.UTF_8), 1, true)
                            .waitForCompletion(TIMEOUT_MS);
                    client.disconnect(2_000).waitForCompletion(TIMEOUT_MS);
                }
            } catch (MqttException e) {
                LOG.warning("clean disconnect failed for " + id + ": " + e);
            }
            try {
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
}
