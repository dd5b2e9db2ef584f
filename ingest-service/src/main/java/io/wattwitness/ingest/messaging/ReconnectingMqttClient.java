package io.wattwitness.ingest.messaging;

import io.quarkus.logging.Log;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttConnAckMessage;
import io.wattwitness.ingest.config.IngestConfig;
import io.wattwitness.ingest.service.IngestMetrics;

/**
 * One MQTT 3.1.1 connection of ingest-service (Vert.x client) that connects at start-up and reconnects by itself
 * with back-off ({@code ingest.mqtt.reconnect-delay} doubling up to {@code ingest.mqtt.max-reconnect-delay}) until the
 * application stops. A refused connection (CONNACK return code, e.g. not authorized) is logged at ERROR and counted
 * as {@code ingest_mqtt_connections_refused_total{client=<role>,reason}}. Everything runs on one Vert.x context:
 * subclasses install their handlers in {@link #install}, react in {@link #onUp} and {@link #onDown}, and call
 * {@link #begin()} and {@link #end()} from their start-up and shutdown observers.
 */
abstract class ReconnectingMqttClient {

    /** Vert.x. */
    protected final Vertx vertx;
    /** The broker settings of ingest-service. */
    protected final IngestConfig.Mqtt config;
    private final IngestMetrics metrics;
    private final String role;

    /** The context every callback runs on; set by {@link #begin()}. */
    protected Context context;
    /** The current client (a new one per connection attempt); confined to {@link #context}. */
    protected MqttClient client;
    private long reconnectTimer = -1;
    private long reconnectDelayMs;
    private volatile boolean stopped;

    /**
     * @param vertx Vert.x
     * @param config the broker settings
     * @param metrics where refusals are counted
     * @param role the connection's name in logs and metrics ({@code devices}, {@code acks})
     */
    protected ReconnectingMqttClient(Vertx vertx, IngestConfig.Mqtt config, IngestMetrics metrics, String role) {
        this.vertx = vertx;
        this.config = config;
        this.metrics = metrics;
        this.role = role;
    }

    /** @return the MQTT client id of this connection */
    public abstract String clientId();

    /** @return the connection options (see {@link #baseOptions(boolean)}) */
    protected abstract MqttClientOptions options();

    /**
     * Installs the handlers of a new client before it connects.
     *
     * @param connecting the client about to connect
     */
    protected abstract void install(MqttClient connecting);

    /**
     * The broker accepted the connection of the current client.
     *
     * @param connected the client
     * @param connAck the broker's CONNACK
     */
    protected abstract void onUp(MqttClient connected, MqttConnAckMessage connAck);

    /**
     * The current client's connection closed (a reconnection follows unless the application stops).
     *
     * @param closed the client
     * @param stopping whether the application is stopping
     */
    protected abstract void onDown(MqttClient closed, boolean stopping);

    /** @return {@code host:port} of the broker */
    public String broker() {
        return config.host() + ":" + config.port();
    }

    /** Connects, on a context of its own; call once at start-up. */
    protected void begin() {
        reconnectDelayMs = config.reconnectDelay().toMillis();
        context = vertx.getOrCreateContext();
        context.runOnContext(ignored -> connect());
    }

    /** Stops reconnecting and disconnects; call at shutdown. */
    protected void end() {
        stopped = true;
        Context ctx = context;
        if (ctx != null) {
            ctx.runOnContext(ignored -> {
                if (reconnectTimer >= 0) {
                    vertx.cancelTimer(reconnectTimer);
                }
                if (client != null && client.isConnected()) {
                    client.disconnect();
                }
            });
        }
    }

    /**
     * @param cleanSession MQTT clean session flag
     * @return options with this connection's client id, keep-alive, message size limit and the ingest account
     */
    protected MqttClientOptions baseOptions(boolean cleanSession) {
        MqttClientOptions options = new MqttClientOptions()
                .setClientId(clientId())
                .setCleanSession(cleanSession)
                .setAutoKeepAlive(true)
                .setKeepAliveInterval(config.keepAliveSeconds());
        options.setMaxMessageSize(config.maxMessageBytes());
        config.username().ifPresent(options::setUsername);
        config.password().ifPresent(options::setPassword);
        return options;
    }

    private void connect() {
        reconnectTimer = -1;
        if (stopped) {
            return;
        }
        MqttClient connecting = MqttClient.create(vertx, options());
        client = connecting;
        install(connecting);
        connecting.closeHandler(ignored -> onClosed(connecting));
        connecting.exceptionHandler(e -> Log.warnf("MQTT %s connection to %s: %s", role, broker(), e.toString()));
        connecting.connect(config.port(), config.host(), result -> onConnected(connecting, result));
    }

    private void onConnected(MqttClient connecting, AsyncResult<MqttConnAckMessage> result) {
        if (connecting != client) {
            return;
        }
        if (result.failed()) {
            String reason = MqttRefusals.reason(result.cause());
            if (reason != null) {
                metrics.connectionRefused(role, reason);
                Log.errorf("MQTT broker %s refused the %s connection of %s (user %s): %s", broker(), role, clientId(),
                        config.username().orElse("anonymous"), MqttRefusals.describe(result.cause()));
            } else {
                Log.warnf("cannot connect %s client %s to MQTT broker %s: %s", role, clientId(), broker(),
                        result.cause());
            }
            scheduleReconnect();
            return;
        }
        reconnectDelayMs = config.reconnectDelay().toMillis();
        onUp(connecting, result.result());
    }

    private void onClosed(MqttClient closed) {
        if (closed != client) {
            return;
        }
        onDown(closed, stopped);
        if (!stopped) {
            scheduleReconnect();
        }
    }

    private void scheduleReconnect() {
        if (stopped || reconnectTimer >= 0) {
            return;
        }
        long delay = reconnectDelayMs;
        reconnectDelayMs = Math.min(delay * 2, config.maxReconnectDelay().toMillis());
        reconnectTimer = vertx.setTimer(delay, ignored -> connect());
    }
}
