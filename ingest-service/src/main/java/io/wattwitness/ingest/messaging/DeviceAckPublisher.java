package io.wattwitness.ingest.messaging;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttConnAckMessage;
import io.vertx.mqtt.messages.MqttPublishMessage;
import io.vertx.mqtt.messages.MqttSubAckMessage;
import io.wattwitness.ingest.config.IngestConfig;
import io.wattwitness.ingest.service.IngestMetrics;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes acks on {@code <root>/{id}/ack} at QoS 1, not retained (SPEC.md §6.1), over its own MQTT 3.1.1
 * connection: client id {@code <ingest.mqtt.client-id>-acks}, clean session, the ingest account's credentials,
 * reconnecting with back-off. {@link #publish} completes only when the broker's PUBACK for that message arrived, so
 * the caller can commit its Kafka offset then.
 * <p>
 * The {@code smallrye-mqtt} outgoing connector is not used: in this version (4.33) it acknowledges a message once
 * the PUBLISH is written to the socket, before the PUBACK. At most {@code 2 × ingest.acks.max-in-flight}
 * publications await a PUBACK in the client (the relay admits at most {@code max-in-flight} acks at once; a retry
 * after a PUBACK timeout may briefly add to it); a publication beyond that fails and is retried by the caller.
 */
@Singleton
public class DeviceAckPublisher extends ReconnectingMqttClient {

    /** Mosquitto's count of messages dropped since it started ($SYS tree). */
    static final String SYS_DROPPED = "$SYS/broker/publish/messages/dropped";
    /** Mosquitto's count of messages it holds ($SYS tree). */
    static final String SYS_STORED = "$SYS/broker/store/messages/count";
    private static final int SUBACK_FAILURE = 0x80;

    private final IngestConfig.Acks acks;
    private final IngestMetrics metrics;

    private volatile boolean connected;
    /** Publications written and awaiting their PUBACK, by packet id; confined to {@link #context}. */
    private final Map<Integer, Pending> pending = new HashMap<>();
    /** PUBACKs that arrived before the write of their PUBLISH was reported complete; confined to the context. */
    private final Set<Integer> early = new HashSet<>();

    private record Pending(CompletableFuture<Void> done, long timer) {
    }

    DeviceAckPublisher(Vertx vertx, IngestConfig config, IngestMetrics metrics) {
        super(vertx, config.mqtt(), metrics, "acks");
        this.acks = config.acks();
        this.metrics = metrics;
    }

    void start(@Observes StartupEvent event) {
        begin();
    }

    void stop(@Observes ShutdownEvent event) {
        end();
    }

    /** @return true while connected to the broker */
    public boolean isConnected() {
        return connected;
    }

    /** @return the client id of the ack connection, {@code <ingest.mqtt.client-id>-acks} */
    @Override
    public String clientId() {
        return config.clientId() + "-acks";
    }

    /**
     * Publishes one ack at QoS 1, not retained. Never blocks.
     *
     * @param topic the device's ack topic, {@code <root>/{id}/ack}
     * @param json the ack JSON text (SPEC.md §6.1)
     * @return completes when the broker PUBACKed the message; fails when not connected, when the connection is lost
     *         before the PUBACK, after {@code ingest.acks.puback-timeout} without PUBACK (the connection is then
     *         dropped and made again), or when too many publications are in flight
     */
    public Uni<Void> publish(String topic, String json) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Context ctx = context;
        if (ctx == null) {
            return Uni.createFrom().failure(new IllegalStateException("the ack publisher has not started"));
        }
        ctx.runOnContext(ignored -> send(topic, json, done));
        return Uni.createFrom().completionStage(done);
    }

    private void send(String topic, String json, CompletableFuture<Void> done) {
        MqttClient sender = client;
        if (sender == null || !sender.isConnected()) {
            done.completeExceptionally(new IllegalStateException("not connected to MQTT broker " + broker()));
            return;
        }
        sender.publish(topic, Buffer.buffer(json), MqttQoS.AT_LEAST_ONCE, false, false).onComplete(written -> {
            if (written.failed()) {
                done.completeExceptionally(written.cause());
                return;
            }
            int packetId = written.result();
            if (early.remove(packetId)) {
                done.complete(null);
                return;
            }
            if (sender != client || !sender.isConnected()) {
                done.completeExceptionally(new IllegalStateException("connection to " + broker()
                        + " lost before the PUBACK"));
                return;
            }
            long timer = vertx.setTimer(acks.pubackTimeout().toMillis(), t -> onPubackTimeout(sender, packetId));
            pending.put(packetId, new Pending(done, timer));
        });
    }

    private void onPuback(MqttClient sender, int packetId) {
        if (sender != client) {
            return;
        }
        Pending acked = pending.remove(packetId);
        if (acked == null) {
            early.add(packetId);
            return;
        }
        vertx.cancelTimer(acked.timer());
        acked.done().complete(null);
    }

    private void onPubackTimeout(MqttClient sender, int packetId) {
        Pending late = pending.remove(packetId);
        if (late == null) {
            return;
        }
        late.done().completeExceptionally(new IllegalStateException("no PUBACK from " + broker() + " within "
                + acks.pubackTimeout()));
        if (sender == client && sender.isConnected()) {
            Log.warnf("no PUBACK from MQTT broker %s for packet %d; reconnecting the ack publisher", broker(),
                    packetId);
            sender.disconnect();
        }
    }

    private void failPending(String reason) {
        List<Pending> lost = new ArrayList<>(pending.values());
        pending.clear();
        early.clear();
        for (Pending p : lost) {
            vertx.cancelTimer(p.timer());
            p.done().completeExceptionally(new IllegalStateException(reason));
        }
    }

    @Override
    protected MqttClientOptions options() {
        return baseOptions(true).setMaxInflightQueue(2 * acks.maxInFlight());
    }

    @Override
    protected void install(MqttClient connecting) {
        connecting.publishCompletionHandler(packetId -> onPuback(connecting, packetId));
        connecting.publishHandler(this::onStatistic);
        connecting.subscribeCompletionHandler(this::onStatisticsSubscribed);
    }

    @Override
    protected void onUp(MqttClient connecting, MqttConnAckMessage connAck) {
        connected = true;
        Log.infof("ack publisher connected to MQTT broker %s as %s", broker(), clientId());
        // The broker's own counters (queue drops, messages held), at QoS 0 on this clean session.
        connecting.subscribe(Map.of(SYS_DROPPED, 0, SYS_STORED, 0));
    }

    private void onStatisticsSubscribed(MqttSubAckMessage ack) {
        if (ack.grantedQoSLevels().contains(SUBACK_FAILURE)) {
            Log.warnf("MQTT broker %s refused %s the subscription to its statistics (%s, %s): the gauges "
                    + "ingest_broker_* stay empty; grant it in the broker's access rules", broker(), clientId(),
                    SYS_DROPPED, SYS_STORED);
            return;
        }
        metrics.brokerStatisticsGranted();
    }

    private void onStatistic(MqttPublishMessage message) {
        String text = message.payload().toString(StandardCharsets.US_ASCII).trim();
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            Log.debugf("ignored broker statistic %s: %s", message.topicName(), text);
            return;
        }
        if (SYS_DROPPED.equals(message.topicName())) {
            metrics.brokerDropped(value);
        } else if (SYS_STORED.equals(message.topicName())) {
            metrics.brokerStored(value);
        }
    }

    @Override
    protected void onDown(MqttClient closed, boolean stopping) {
        connected = false;
        failPending("connection to " + broker() + " lost before the PUBACK");
        if (!stopping) {
            Log.warnf("MQTT ack connection to %s closed; unconfirmed acks will be published again", broker());
        }
    }
}
