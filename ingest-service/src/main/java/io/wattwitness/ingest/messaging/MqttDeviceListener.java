package io.wattwitness.ingest.messaging;

import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttConnAckMessage;
import io.vertx.mqtt.messages.MqttPublishMessage;
import io.vertx.mqtt.messages.MqttSubAckMessage;
import io.wattwitness.ingest.config.IngestConfig;
import io.wattwitness.ingest.service.DeviceTopics;
import io.wattwitness.ingest.service.IngestMetrics;
import io.wattwitness.ingest.service.IngestService;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Receives device readings and status over MQTT 3.1.1 with this replica's stable client id and a persistent session
 * ({@code cleanSession=false}), subscribed at QoS 1 to the shared subscriptions
 * {@code $share/<group>/wattwitness/v1/devices/+/readings} and {@code $share/<group>/wattwitness/v1/devices/+/status}
 * ({@link DeviceTopics}; without {@code $share/<group>/} when {@code ingest.mqtt.shared-subscription=false}), and
 * hands each message to {@link IngestService}. The broker gives each message of a shared subscription to one member
 * of the group, so replicas split the load; Mosquitto 2.0 also queues a share for a member that is offline with its
 * persistent session, delivered when it returns with the same client id (README.md).
 * <p>
 * The PUBACK of a message is sent only after Kafka acknowledged what ingest made of it (Vert.x client with
 * {@code autoAck=false}). Until then the broker keeps the message in the session and redelivers it when ingest
 * reconnects, after a crash as after a lost connection; when Kafka fails a record the connection is dropped on
 * purpose so that the broker redelivers. The publish handler is installed before connecting, so the messages the
 * broker queued while ingest was down cannot arrive before anyone listens. The subscription is renewed on every
 * connection (harmless when the session already holds it).
 * <p>
 * This client is used instead of the {@code smallrye-mqtt} incoming connector because that connector acknowledges on
 * receipt and drops messages that arrive before the channel is subscribed.
 */
@Singleton
public class MqttDeviceListener extends ReconnectingMqttClient {

    private static final int QOS_AT_LEAST_ONCE = 1;
    private static final int SUBACK_FAILURE = 0x80;

    private final IngestService ingest;
    private final DeviceTopics topics;
    private final IngestMetrics metrics;
    private final String readingsFilter;
    private final String statusFilter;

    private volatile boolean subscribed;

    MqttDeviceListener(Vertx vertx, IngestConfig config, IngestService ingest, DeviceTopics topics,
            IngestMetrics metrics) {
        super(vertx, config.mqtt(), metrics, "devices");
        this.topics = topics;
        this.ingest = ingest;
        this.metrics = metrics;
        boolean shared = this.config.sharedSubscription();
        this.readingsFilter = shared ? topics.sharedReadingsFilter(this.config.sharedGroup())
                : topics.readingsFilter();
        this.statusFilter = shared ? topics.sharedStatusFilter(this.config.sharedGroup()) : topics.statusFilter();
    }

    void start(@Observes StartupEvent event) {
        begin();
    }

    void stop(@Observes ShutdownEvent event) {
        end();
    }

    /** @return true when connected and the broker granted both subscriptions */
    public boolean isSubscribed() {
        return subscribed;
    }

    /** @return the client id of the persistent session */
    @Override
    public String clientId() {
        return config.clientId();
    }

    /** @return the two subscription filters, readings then status */
    public String filters() {
        return readingsFilter + " " + statusFilter;
    }

    @Override
    protected MqttClientOptions options() {
        MqttClientOptions options = baseOptions(false);
        options.setAutoAck(false);
        return options;
    }

    @Override
    protected void install(MqttClient connecting) {
        connecting.publishHandler(message -> onPublish(connecting, message));
        connecting.subscribeCompletionHandler(this::onSubscribed);
    }

    @Override
    protected void onUp(MqttClient connected, MqttConnAckMessage connAck) {
        Log.infof("connected to MQTT broker %s as %s (session present: %s)", broker(), config.clientId(),
                connAck.isSessionPresent());
        Map<String, Integer> filters = new LinkedHashMap<>();
        filters.put(readingsFilter, QOS_AT_LEAST_ONCE);
        filters.put(statusFilter, QOS_AT_LEAST_ONCE);
        connected.subscribe(filters, sent -> {
            if (sent.failed()) {
                Log.warnf("cannot subscribe on %s: %s", broker(), sent.cause());
                connected.disconnect();
            }
        });
    }

    @Override
    protected void onDown(MqttClient closed, boolean stopping) {
        subscribed = false;
        if (!stopping) {
            Log.warnf("MQTT connection to %s closed; unacknowledged messages will be redelivered", broker());
        }
    }

    private void onSubscribed(MqttSubAckMessage ack) {
        if (ack.grantedQoSLevels().contains(SUBACK_FAILURE)) {
            metrics.subscriptionRefused();
            Log.errorf("MQTT broker %s refused a subscription of %s to %s (granted QoS %s, 128 = refused, e.g. not "
                    + "authorized by the ACL); reconnecting", broker(), config.clientId(), filters(),
                    ack.grantedQoSLevels());
            client.disconnect();
            return;
        }
        subscribed = true;
        Log.infof("subscribed to %s and %s (granted QoS %s)", readingsFilter, statusFilter, ack.grantedQoSLevels());
    }

    private void onPublish(MqttClient receiver, MqttPublishMessage message) {
        long receivedAtMs = System.currentTimeMillis();
        String topic = message.topicName();
        byte[] payload = message.payload().getBytes();
        Uni<Void> handled;
        if (topics.isReadings(topic)) {
            handled = ingest.reading(topic, payload, receivedAtMs);
        } else if (topics.isStatus(topic)) {
            handled = ingest.status(topic, payload, receivedAtMs);
        } else {
            Log.warnf("ignored message on unexpected topic %s (%d bytes)", topic, payload.length);
            handled = Uni.createFrom().voidItem();
        }
        handled.subscribe().with(
                ignored -> context.runOnContext(v -> acknowledge(receiver, message)),
                failure -> context.runOnContext(v -> redeliver(receiver)));
    }

    private void acknowledge(MqttClient receiver, MqttPublishMessage message) {
        // A message received on an earlier connection is redelivered by the broker on the current one.
        if (receiver == client && receiver.isConnected() && message.qosLevel().value() > 0) {
            message.ack();
        }
    }

    private void redeliver(MqttClient receiver) {
        if (receiver == client && receiver.isConnected()) {
            Log.warnf("dropping the MQTT connection to %s so that the broker redelivers", broker());
            receiver.disconnect();
        }
    }
}
