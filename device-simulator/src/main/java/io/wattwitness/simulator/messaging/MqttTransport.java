package io.wattwitness.simulator.messaging;

import io.wattwitness.reading.DeviceAck;
import io.wattwitness.reading.MqttCredentials;
import io.wattwitness.simulator.service.DeliveryCounters;
import io.wattwitness.simulator.service.DeliveryProtocol;
import io.wattwitness.simulator.service.Emission;
import io.wattwitness.simulator.service.Fault;
import io.wattwitness.simulator.service.SimulatedDevice;
import io.wattwitness.simulator.service.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The device protocol over MQTT (SPEC.md §4 and §6), one Paho client per device, as the firmware does it:
 * <ul>
 *   <li>client id = the device id (the shipped broker binds each device account to it, SPEC.md §6.3), clean
 *       session false by default; broker credentials per device
 *       (SPEC.md §6.3: username = device id, password derived from the deployment's device credential secret with
 *       {@link MqttCredentials#devicePassword}) or explicit ones for a single device, or none (anonymous);</li>
 *   <li>topics under a configurable root (default {@value #DEFAULT_TOPIC_ROOT}): {@code <root>/{id}/readings},
 *       {@code <root>/{id}/status}, {@code <root>/{id}/ack};</li>
 *   <li>last will {@code {"state":"offline","boot":N}} and, on every connection, the birth message
 *       {@code {"state":"online","boot":N,"firmware":"simulator-0.1","ts":<unix ms>,"dropped":D}} (D: readings the
 *       full outbox ever dropped), both retained QoS 1 on the status topic (can be turned off);</li>
 *   <li>readings QoS 1 on the readings topic, driven by {@link DeliveryProtocol}: outbox, window W in flight,
 *       everything unacknowledged resent oldest first after every (re)connection, resend after the ack timeout T
 *       with doubling back-off up to T_max; acks ({@link DeviceAck} JSON, parsed strictly by {@link AckParser}) remove
 *       exactly the readings they name; an invalid ack is logged, counted and ignored;</li>
 *   <li>a refused or failed connection (broker down, bad credentials, not authorised) is logged with its reason and
 *       retried with doubling back-off (1 s up to 60 s by default); a lost connection likewise;</li>
 *   <li>a simulated reboot drops the connection without DISCONNECT (so the broker publishes the will) and connects
 *       a new client with the new boot number.</li>
 * </ul>
 * In {@linkplain Builder#publishOnce publish-once mode} nothing enters the outbox: every envelope handed to
 * {@link #send} is published once, in the order given, waiting for its PUBACK (tests that account for every
 * publication themselves). A background thread ({@code ww-sim-mqtt}) checks timeouts and reconnections. Thread-safe.
 */
public final class MqttTransport implements Transport {

    /** Firmware version announced in the birth message. */
    public static final String FIRMWARE = "simulator-0.1";
    /** Default topic root (SPEC.md §6). */
    public static final String DEFAULT_TOPIC_ROOT = "wattwitness/v1/devices";

    private static final Logger LOG = Logger.getLogger(MqttTransport.class.getName());
    private static final long TIMEOUT_MS = 30_000;

    /**
     * One publication on a readings topic.
     *
     * @param topicDeviceId the device id in the topic it was published on
     * @param payload the bytes published
     * @param sentAtMs wall-clock time just before publishing, Unix ms
     * @param emission the emission (fault {@link Fault#RESEND} for a reading sent again), or null for a raw payload
     *        ({@link #publishRaw})
     * @param resend whether it was a reading sent again
     */
    public record Sent(String topicDeviceId, byte[] payload, long sentAtMs, Emission emission, boolean resend) {
    }

    private final String serverUri;
    private final String topicRoot;
    private final String credentialsSecret;
    private final String username;
    private final char[] password;
    private final DeliveryProtocol.Settings delivery;
    private final boolean publishOnce;
    private final boolean statusMessages;
    private final boolean cleanSession;
    private final Duration reconnectMin;
    private final Duration reconnectMax;
    private final Consumer<Sent> listener;
    private final Map<SimulatedDevice, Link> links = new ConcurrentHashMap<>();
    private final List<Link> order = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Consumer<Emission> resent = e -> { };
    private ScheduledExecutorService timer;

    /**
     * Anonymous access, default topic root and protocol settings (W = 100, T = 30 s, T_max = 600 s).
     *
     * @param serverUri e.g. {@code tcp://127.0.0.1:1883}
     */
    public MqttTransport(String serverUri) {
        this(builder(serverUri));
    }

    private MqttTransport(Builder builder) {
        this.serverUri = builder.serverUri;
        this.topicRoot = builder.topicRoot;
        this.credentialsSecret = builder.credentialsSecret;
        this.username = builder.username;
        this.password = builder.password == null ? null : builder.password.toCharArray();
        this.delivery = builder.delivery;
        this.publishOnce = builder.publishOnce;
        this.statusMessages = builder.statusMessages;
        this.cleanSession = builder.cleanSession;
        this.reconnectMin = builder.reconnectMin;
        this.reconnectMax = builder.reconnectMax;
        this.listener = builder.listener;
    }

    /**
     * @param serverUri e.g. {@code tcp://127.0.0.1:1883}
     * @return a builder with the defaults of SPEC.md §6 (anonymous)
     */
    public static Builder builder(String serverUri) {
        return new Builder(serverUri);
    }

    @Override
    public void open(List<SimulatedDevice> devices, Consumer<Emission> resentListener) throws MqttException {
        if (username != null && devices.size() + links.size() > 1) {
            throw new IllegalArgumentException("explicit MQTT username/password are for a single device; use a "
                    + "credentials secret for a fleet");
        }
        this.resent = resentListener;
        List<Link> opened = new ArrayList<>();
        for (SimulatedDevice device : devices) {
            if (links.containsKey(device)) {
                continue;
            }
            Link link = new Link(device);
            links.put(device, link);
            order.add(link);
            opened.add(link);
        }
        synchronized (this) {
            if (timer == null) {
                timer = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread thread = new Thread(r, "ww-sim-mqtt");
                    thread.setDaemon(true);
                    return thread;
                });
                long tickMs = Math.max(5, Math.min(1_000, delivery.ackTimeout().toMillis() / 10));
                timer.scheduleWithFixedDelay(this::tick, tickMs, tickMs, TimeUnit.MILLISECONDS);
            }
        }
        List<CountDownLatch> attempts = new ArrayList<>();
        for (Link link : opened) {
            attempts.add(link.connect());
        }
        try {
            for (CountDownLatch attempt : attempts) {
                attempt.await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void send(SimulatedDevice device, Emission emission) {
        Link link = link(device);
        if (emission.boot() > link.boot && emission.boot() == device.boot()) {
            link.restart();
        }
        if (publishOnce) {
            link.publishNow(emission);
            return;
        }
        link.protocol.offer(emission);
        link.pump();
    }

    /**
     * Publishes arbitrary bytes on a device's readings topic, outside the outbox (malformed envelopes, another
     * device's message); waits for the PUBACK. Counted as injected.
     *
     * @param device whose topic to use
     * @param payload the bytes
     */
    public void publishRaw(SimulatedDevice device, byte[] payload) {
        Link link = link(device);
        link.protocol.countInjected();
        link.publishSync(payload, null, false);
    }

    @Override
    public void flush() {
        for (Link link : order) {
            link.pump();
        }
    }

    private void tick() {
        try {
            for (Link link : order) {
                link.reconnectIfDue();
                link.pump();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "MQTT transport background check failed", e);
        }
    }

    /**
     * Drops a device's connection without DISCONNECT (the broker publishes its will) and connects again, which
     * resends its outbox. For tests of the resend behaviour.
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
     * @param device a device opened on this transport
     * @return its counters since it was opened
     */
    public DeliveryCounters counters(SimulatedDevice device) {
        return link(device).protocol.counters();
    }

    /** @return the fleet's counters: the sum over every device opened on this transport */
    public DeliveryCounters counters() {
        List<DeliveryCounters> all = new ArrayList<>();
        for (Link link : order) {
            all.add(link.protocol.counters());
        }
        return DeliveryCounters.sum(all);
    }

    /**
     * @param device a device
     * @return its readings in flight (sent, not yet named by an ack), at most the window
     */
    public int inFlight(SimulatedDevice device) {
        return link(device).protocol.inFlight();
    }

    /**
     * @param device a device
     * @return its current ack timeout: T, doubled by every expiry up to T_max, reset to T by an ack naming a reading
     *     in flight
     */
    public Duration ackTimeout(SimulatedDevice device) {
        return link(device).protocol.ackTimeout();
    }

    /**
     * Waits until a device's outbox is empty (every reading named by an ack).
     *
     * @param device a device
     * @param timeout upper bound
     * @return whether it is empty
     * @throws InterruptedException when interrupted
     */
    public boolean awaitEmpty(SimulatedDevice device, Duration timeout) throws InterruptedException {
        return link(device).protocol.awaitEmpty(timeout);
    }

    /**
     * Waits until every device's outbox is empty.
     *
     * @param timeout upper bound for all together
     * @return whether they are all empty
     * @throws InterruptedException when interrupted
     */
    public boolean awaitEmpty(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Link link : order) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            if (!link.protocol.awaitEmpty(left)) {
                return false;
            }
        }
        return true;
    }

    /** @return every device's outbox size (readings not yet named by an ack), by device id */
    public Map<String, Integer> outboxSizes() {
        Map<String, Integer> out = new TreeMap<>();
        for (Link link : order) {
            out.put(link.id, link.device.store().buffer().size());
        }
        return out;
    }

    /** @return the devices opened on this transport, in opening order */
    public List<SimulatedDevice> devices() {
        List<SimulatedDevice> out = new ArrayList<>();
        for (Link link : order) {
            out.add(link.device);
        }
        return out;
    }

    /** @return the topic root */
    public String topicRoot() {
        return topicRoot;
    }

    /**
     * @param deviceIdHex 16 hex digits
     * @return {@code <root>/{id}/readings}
     */
    public String readingsTopic(String deviceIdHex) {
        return topicRoot + "/" + deviceIdHex + "/readings";
    }

    /**
     * @param deviceIdHex 16 hex digits
     * @return {@code <root>/{id}/status}
     */
    public String statusTopic(String deviceIdHex) {
        return topicRoot + "/" + deviceIdHex + "/status";
    }

    /**
     * @param deviceIdHex 16 hex digits
     * @return {@code <root>/{id}/ack}
     */
    public String ackTopic(String deviceIdHex) {
        return topicRoot + "/" + deviceIdHex + "/ack";
    }

    @Override
    public void close() {
        ScheduledExecutorService stopping;
        synchronized (this) {
            stopping = timer;
            timer = null;
        }
        if (stopping != null) {
            stopping.shutdownNow();
            try {
                stopping.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Link link : order) {
            link.close();
        }
    }

    private Link link(SimulatedDevice device) {
        Link link = links.get(device);
        if (link == null) {
            throw new IllegalArgumentException("device " + device.deviceIdHex() + " is not open on this transport");
        }
        return link;
    }

    /** One device's MQTT client and protocol state. */
    private final class Link implements MqttCallback {
        private final SimulatedDevice device;
        private final String id;
        private final DeliveryProtocol protocol;
        private volatile MqttAsyncClient client;
        private volatile boolean connecting;
        private volatile boolean closed;
        private volatile long nextAttemptNanos = Long.MAX_VALUE;
        private long reconnectDelayMs;
        private volatile long boot;

        Link(SimulatedDevice device) throws MqttException {
            this.device = device;
            this.id = device.deviceIdHex();
            this.protocol = new DeliveryProtocol(device, delivery, System::nanoTime);
            this.boot = device.boot();
            this.reconnectDelayMs = reconnectMin.toMillis();
            this.client = newClient();
        }

        private MqttAsyncClient newClient() throws MqttException {
            MqttAsyncClient created = new MqttAsyncClient(serverUri, id, new MemoryPersistence());
            created.setCallback(this);
            return created;
        }

        private MqttConnectOptions options() {
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(cleanSession);
            options.setAutomaticReconnect(false);
            options.setKeepAliveInterval(30);
            options.setConnectionTimeout(10);
            options.setMaxInflight(Math.max(1_000, 4 * delivery.window() + 64));
            if (credentialsSecret != null) {
                options.setUserName(id);
                options.setPassword(MqttCredentials.devicePassword(credentialsSecret, id).toCharArray());
            } else if (username != null) {
                options.setUserName(username);
                options.setPassword(password.clone());
            }
            if (statusMessages) {
                options.setWill(statusTopic(id), offline().getBytes(StandardCharsets.UTF_8), 1, true);
            }
            return options;
        }

        private String offline() {
            return "{\"state\":\"offline\",\"boot\":" + boot + "}";
        }

        /** Starts a connection attempt; the latch opens when it succeeded or failed. */
        synchronized CountDownLatch connect() {
            CountDownLatch done = new CountDownLatch(1);
            if (closed || connecting || client.isConnected()) {
                done.countDown();
                return done;
            }
            connecting = true;
            nextAttemptNanos = Long.MAX_VALUE;
            MqttAsyncClient attempt = client;
            try {
                attempt.connect(options(), null, new IMqttActionListener() {
                    @Override
                    public void onSuccess(IMqttToken token) {
                        try {
                            connected(attempt);
                        } finally {
                            done.countDown();
                        }
                    }

                    @Override
                    public void onFailure(IMqttToken token, Throwable failure) {
                        try {
                            refused(attempt, failure);
                        } finally {
                            done.countDown();
                        }
                    }
                });
            } catch (MqttException e) {
                refused(attempt, e);
                done.countDown();
            }
            return done;
        }

        private synchronized void refused(MqttAsyncClient attempt, Throwable failure) {
            if (attempt != client) {
                return;
            }
            connecting = false;
            long delay = reconnectDelayMs;
            reconnectDelayMs = Math.min(reconnectMax.toMillis(), reconnectDelayMs * 2);
            nextAttemptNanos = System.nanoTime() + delay * 1_000_000;
            LOG.warning("MQTT " + serverUri + " refused or failed the connection of device " + id + " ("
                    + describe(failure) + "); readings stay in the outbox, retrying in " + delay + " ms");
        }

        /** Subscribes to acks, publishes the birth message, then sends the outbox again. */
        private void connected(MqttAsyncClient attempt) {
            synchronized (this) {
                if (attempt != client) {
                    return;
                }
                connecting = false;
                reconnectDelayMs = reconnectMin.toMillis();
            }
            try {
                client.subscribe(ackTopic(id), 1);
                if (statusMessages) {
                    String birth = "{\"state\":\"online\",\"boot\":" + boot + ",\"firmware\":\"" + FIRMWARE
                            + "\",\"ts\":" + device.deviceTime().toEpochMilli() + ",\"dropped\":"
                            + device.store().outboxDropped() + "}";
                    client.publish(statusTopic(id), birth.getBytes(StandardCharsets.UTF_8), 1, true);
                }
            } catch (MqttException e) {
                LOG.warning("subscribe/birth failed for " + id + " after connecting: " + describe(e));
            }
            int waiting = device.store().buffer().size();
            if (waiting > 0) {
                LOG.info("device " + id + " connected to " + serverUri + "; " + waiting
                        + " unacknowledged readings to send, oldest first");
            }
            protocol.connected();
            pump();
        }

        void reconnectIfDue() {
            if (!closed && !connecting && !client.isConnected() && System.nanoTime() >= nextAttemptNanos) {
                connect();
            }
        }

        /**
         * Reboot: drop the link without DISCONNECT (the broker then publishes the will), throw the client away like
         * a rebooting ESP32 does, and connect a fresh one with the same client id and the current boot.
         */
        void restart() {
            protocol.disconnected();
            synchronized (this) {
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
                connecting = false;
                reconnectDelayMs = reconnectMin.toMillis();
            }
            try {
                connect().await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Publishes what the protocol says is due, in order, asynchronously (the window bounds what is queued). */
        void pump() {
            if (publishOnce || closed) {
                return;
            }
            boolean lost = false;
            synchronized (protocol) {
                List<DeliveryProtocol.Publication> due = protocol.due();
                for (int i = 0; i < due.size(); i++) {
                    DeliveryProtocol.Publication publication = due.get(i);
                    Emission emission = publication.emission();
                    byte[] payload = emission.envelope().toJson().getBytes(StandardCharsets.UTF_8);
                    long sentAtMs = System.currentTimeMillis();
                    try {
                        client.publish(readingsTopic(id), payload, 1, false);
                    } catch (MqttException | RuntimeException e) {
                        if (!client.isConnected()) {
                            LOG.warning("publish failed for " + id + " (" + describe(e) + "); the outbox is sent "
                                    + "again after reconnecting");
                            protocol.disconnected();
                            lost = true;
                        } else {
                            // Still connected (e.g. the client's in-flight limit): what was not handed over is due
                            // again at the next pump (the transport's tick), in order.
                            LOG.warning("publish failed for " + id + " (" + describe(e) + "); " + (due.size() - i)
                                    + " publications are due again at the next check");
                            protocol.notSent(due.subList(i, due.size()));
                        }
                        break;
                    }
                    listener.accept(new Sent(id, payload, sentAtMs, emission, publication.resend()));
                    if (publication.resend()) {
                        resent.accept(emission);
                    }
                }
            }
            if (lost) {
                scheduleReconnect();
            }
        }

        void publishNow(Emission emission) {
            protocol.countSentOnce();
            publishSync(emission.envelope().toJson().getBytes(StandardCharsets.UTF_8), emission, false);
        }

        void publishSync(byte[] payload, Emission emission, boolean resend) {
            long sentAtMs = System.currentTimeMillis();
            try {
                IMqttDeliveryToken token = client.publish(readingsTopic(id), payload, 1, false);
                token.waitForCompletion(TIMEOUT_MS);
            } catch (MqttException e) {
                LOG.warning("publish for " + id + " failed (" + describe(e) + "); not published");
            }
            listener.accept(new Sent(id, payload, sentAtMs, emission, resend));
        }

        private synchronized void scheduleReconnect() {
            if (!connecting && nextAttemptNanos == Long.MAX_VALUE) {
                nextAttemptNanos = System.nanoTime() + reconnectDelayMs * 1_000_000;
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
            protocol.disconnected();
            LOG.warning("device " + id + " lost its MQTT connection (" + describe(cause) + "); reconnecting in "
                    + reconnectDelayMs + " ms");
            scheduleReconnect();
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            if (!topic.equals(ackTopic(id))) {
                return;
            }
            DeviceAck ack;
            try {
                ack = AckParser.parse(message.getPayload());
            } catch (AckParser.InvalidAckException e) {
                protocol.invalidAck();
                LOG.warning("ignored invalid ack for " + id + " (" + e.getMessage() + "): "
                        + abbreviate(new String(message.getPayload(), StandardCharsets.UTF_8)));
                return;
            }
            int removed = protocol.acknowledge(ack);
            LOG.fine(() -> "ack " + ack.toJson() + " for " + id + " removed " + removed + " outbox readings");
            ScheduledExecutorService running = timer;
            if (running != null && removed > 0) {
                try {
                    running.execute(this::pump);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // closing
                }
            }
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // the application-level ack, not the PUBACK, lets a reading leave the outbox
        }

        void close() {
            closed = true;
            protocol.disconnected();
            try {
                if (client.isConnected()) {
                    if (statusMessages) {
                        client.publish(statusTopic(id), offline().getBytes(StandardCharsets.UTF_8), 1, true)
                                .waitForCompletion(TIMEOUT_MS);
                    }
                    client.disconnect(2_000).waitForCompletion(TIMEOUT_MS);
                }
            } catch (MqttException e) {
                LOG.warning("clean disconnect failed for " + id + ": " + describe(e));
            }
            try {
                client.close(true);
            } catch (MqttException e) {
                LOG.fine(() -> "close of " + id + ": " + e);
            }
        }
    }

    private static String describe(Throwable failure) {
        if (failure instanceof MqttException e) {
            return switch (e.getReasonCode()) {
                case MqttException.REASON_CODE_FAILED_AUTHENTICATION -> "bad user name or password (CONNACK 4)";
                case MqttException.REASON_CODE_NOT_AUTHORIZED -> "not authorised (CONNACK 5)";
                case MqttException.REASON_CODE_INVALID_CLIENT_ID -> "client id refused (CONNACK 2)";
                case MqttException.REASON_CODE_BROKER_UNAVAILABLE -> "broker unavailable (CONNACK 3)";
                default -> e.getMessage() + " (reason " + e.getReasonCode()
                        + (e.getCause() != null ? ", " + e.getCause() : "") + ")";
            };
        }
        return String.valueOf(failure);
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }

    /** Settings of a transport; every setter validates and returns this. */
    public static final class Builder {
        private final String serverUri;
        private String topicRoot = DEFAULT_TOPIC_ROOT;
        private String credentialsSecret;
        private String username;
        private String password;
        private DeliveryProtocol.Settings delivery = DeliveryProtocol.Settings.DEFAULT;
        private boolean publishOnce;
        private boolean statusMessages = true;
        private boolean cleanSession;
        private Duration reconnectMin = Duration.ofSeconds(1);
        private Duration reconnectMax = Duration.ofSeconds(60);
        private Consumer<Sent> listener = s -> { };

        private Builder(String serverUri) {
            this.serverUri = serverUri;
        }

        /**
         * @param topicRoot device topics are {@code <root>/{id}/readings|status|ack}; no wildcard, no leading or
         *        trailing slash (default {@value #DEFAULT_TOPIC_ROOT})
         * @return this
         */
        public Builder topicRoot(String topicRoot) {
            if (topicRoot == null || topicRoot.isBlank() || topicRoot.startsWith("/") || topicRoot.endsWith("/")
                    || topicRoot.contains("+") || topicRoot.contains("#")) {
                throw new IllegalArgumentException("topic root must be a topic without wildcards and without leading "
                        + "or trailing slash: " + topicRoot);
            }
            this.topicRoot = topicRoot;
            return this;
        }

        /**
         * Per-device credentials (SPEC.md §6.3): username = device id, password =
         * {@link MqttCredentials#devicePassword}(secret, id).
         *
         * @param secret the deployment's device credential secret, ≥ 16 characters, or null for none
         * @return this
         */
        public Builder credentialsSecret(String secret) {
            if (secret != null && secret.length() < 16) {
                throw new IllegalArgumentException("the device credential secret must have at least 16 characters");
            }
            this.credentialsSecret = secret;
            return this;
        }

        /**
         * Explicit credentials, for a transport with a single device.
         *
         * @param username the user name, or null for none
         * @param password the password (may be null with a user name)
         * @return this
         */
        public Builder credentials(String username, String password) {
            this.username = username;
            this.password = password == null ? "" : password;
            if (username == null) {
                this.password = null;
            }
            return this;
        }

        /**
         * @param delivery window W, ack timeout T, back-off bound T_max
         * @return this
         */
        public Builder delivery(DeliveryProtocol.Settings delivery) {
            this.delivery = delivery;
            return this;
        }

        /**
         * @param window W, most readings in flight (default 100)
         * @return this
         */
        public Builder window(int window) {
            this.delivery = delivery.withWindow(window);
            return this;
        }

        /**
         * @param ackTimeout T (default 30 s)
         * @param ackTimeoutMax T_max (default 600 s)
         * @return this
         */
        public Builder ackTimeout(Duration ackTimeout, Duration ackTimeoutMax) {
            this.delivery = delivery.withAckTimeout(ackTimeout, ackTimeoutMax);
            return this;
        }

        /**
         * @param publishOnce true: no outbox, no window, no resend; every envelope handed to {@code send} is
         *        published once in the given order, waiting for its PUBACK (acks are still parsed and counted)
         * @return this
         */
        public Builder publishOnce(boolean publishOnce) {
            this.publishOnce = publishOnce;
            return this;
        }

        /**
         * @param statusMessages whether to publish the retained birth and last will (default true)
         * @return this
         */
        public Builder statusMessages(boolean statusMessages) {
            this.statusMessages = statusMessages;
            return this;
        }

        /**
         * @param cleanSession MQTT clean session flag (default false, as the firmware)
         * @return this
         */
        public Builder cleanSession(boolean cleanSession) {
            this.cleanSession = cleanSession;
            return this;
        }

        /**
         * @param min first delay before connecting again after a refused or lost connection (default 1 s)
         * @param max bound of its doubling (default 60 s)
         * @return this
         */
        public Builder reconnectDelay(Duration min, Duration max) {
            if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
                throw new IllegalArgumentException("reconnect delays must be positive with max >= min");
            }
            this.reconnectMin = min;
            this.reconnectMax = max;
            return this;
        }

        /**
         * @param listener sees every publication on a readings topic (called on the publishing thread)
         * @return this
         */
        public Builder listener(Consumer<Sent> listener) {
            this.listener = listener;
            return this;
        }

        /**
         * @return the transport (not connected yet: {@link MqttTransport#open})
         * @throws IllegalArgumentException when both a credentials secret and explicit credentials are given
         */
        public MqttTransport build() {
            if (credentialsSecret != null && username != null) {
                throw new IllegalArgumentException("choose a credentials secret or an explicit username, not both");
            }
            return new MqttTransport(this);
        }
    }
}
