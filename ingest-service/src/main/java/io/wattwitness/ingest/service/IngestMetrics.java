package io.wattwitness.ingest.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Counters of ingest, exposed in Prometheus format at {@code /q/metrics}:
 * {@code ingest_readings_received_total}, {@code ingest_readings_forwarded_total},
 * {@code ingest_readings_rejected_total{reason}}, {@code ingest_status_forwarded_total} and
 * {@code ingest_forward_failures_total} (Kafka did not take a record; the MQTT message is redelivered);
 * of the ack relay {@code ingest_acks_relayed_total} (PUBACKed by the broker), {@code ingest_ack_relay_failures_total}
 * (a publish attempt failed and is retried), {@code ingest_ack_records_invalid_total{reason}} ({@code bad_key},
 * {@code bad_value}; skipped); and of the broker connections {@code ingest_mqtt_connections_refused_total{client,reason}}
 * (CONNACK refusal, reason e.g. {@code not_authorized}) and {@code ingest_mqtt_subscriptions_refused_total}.
 * The broker's own counters, as its {@code $SYS} tree last reported them (Mosquitto publishes it every
 * {@code sys_interval}, 10 s by default; NaN until the broker granted the subscription):
 * {@code ingest_broker_publish_dropped} (messages the broker dropped since it started: a full client queue, QoS 0
 * while offline; Mosquitto publishes it only once it is not 0, so it reads 0 until then) and
 * {@code ingest_broker_messages_stored} (messages the broker holds: queued for clients, in flight, retained).
 */
@ApplicationScoped
public class IngestMetrics {

    private final Counter received;
    private final Counter forwarded;
    private final Counter statusForwarded;
    private final Counter forwardFailures;
    private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);
    private final Counter acksRelayed;
    private final Counter ackRelayFailures;
    private final Map<AckRecord.InvalidReason, Counter> invalidAcks = new EnumMap<>(AckRecord.InvalidReason.class);
    private final Counter subscriptionsRefused;
    private final MeterRegistry registry;
    private final AtomicReference<Double> brokerDropped = new AtomicReference<>(Double.NaN);
    private final AtomicReference<Double> brokerStored = new AtomicReference<>(Double.NaN);

    IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("ingest.broker.publish.dropped", brokerDropped, AtomicReference::get)
                .description("Messages the MQTT broker dropped since it started ($SYS/broker/publish/messages/"
                        + "dropped)")
                .register(registry);
        Gauge.builder("ingest.broker.messages.stored", brokerStored, AtomicReference::get)
                .description("Messages the MQTT broker holds ($SYS/broker/store/messages/count)")
                .register(registry);
        acksRelayed = Counter.builder("ingest.acks.relayed")
                .description("Acks from devices.acks published on MQTT and PUBACKed by the broker").register(registry);
        ackRelayFailures = Counter.builder("ingest.ack.relay.failures")
                .description("Ack publish attempts that failed (no connection, no PUBACK); each is retried")
                .register(registry);
        for (AckRecord.InvalidReason reason : AckRecord.InvalidReason.values()) {
            invalidAcks.put(reason, Counter.builder("ingest.ack.records.invalid")
                    .description("devices.acks records that are not an ack of one device, skipped")
                    .tag("reason", reason.wire())
                    .register(registry));
        }
        subscriptionsRefused = Counter.builder("ingest.mqtt.subscriptions.refused")
                .description("Subscriptions the MQTT broker refused (SUBACK failure)").register(registry);
        received = Counter.builder("ingest.readings.received")
                .description("Reading envelopes received, before any check").register(registry);
        forwarded = Counter.builder("ingest.readings.forwarded")
                .description("Readings acknowledged by Kafka on readings.raw").register(registry);
        statusForwarded = Counter.builder("ingest.status.forwarded")
                .description("Device status messages acknowledged by Kafka on devices.status").register(registry);
        forwardFailures = Counter.builder("ingest.forward.failures")
                .description("Records Kafka did not acknowledge; their MQTT messages are redelivered")
                .register(registry);
        for (RejectReason reason : RejectReason.values()) {
            rejected.put(reason, Counter.builder("ingest.readings.rejected")
                    .description("Messages acknowledged by Kafka on readings.rejected, by reason")
                    .tag("reason", reason.wire())
                    .register(registry));
        }
    }

    /** Counts one reading envelope received. */
    public void received() {
        received.increment();
    }

    /** Counts one reading durably forwarded to readings.raw. */
    public void forwarded() {
        forwarded.increment();
    }

    /** @param reason counts one message durably written to readings.rejected */
    public void rejected(RejectReason reason) {
        rejected.get(reason).increment();
    }

    /** Counts one status message durably forwarded to devices.status. */
    public void statusForwarded() {
        statusForwarded.increment();
    }

    /** Counts one record Kafka did not take. */
    public void forwardFailure() {
        forwardFailures.increment();
    }

    /** Counts one ack PUBACKed by the broker. */
    public void ackRelayed() {
        acksRelayed.increment();
    }

    /** Counts one failed attempt to publish an ack. */
    public void ackRelayFailure() {
        ackRelayFailures.increment();
    }

    /** @param reason counts one skipped {@code devices.acks} record */
    public void invalidAck(AckRecord.InvalidReason reason) {
        invalidAcks.get(reason).increment();
    }

    /**
     * Counts one connection the MQTT broker refused.
     *
     * @param client which connection: {@code devices} (readings and status) or {@code acks}
     * @param reason the CONNACK return code in lowercase words joined by {@code _}, e.g. {@code not_authorized}
     */
    public void connectionRefused(String client, String reason) {
        Counter.builder("ingest.mqtt.connections.refused")
                .description("Connections the MQTT broker refused, by CONNACK return code")
                .tag("client", client)
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    /** Counts one subscription the MQTT broker refused. */
    public void subscriptionRefused() {
        subscriptionsRefused.increment();
    }

    /**
     * The broker granted the subscription to its statistics: the dropped count is 0 until it reports another value
     * (Mosquitto does not publish a count of 0).
     */
    public void brokerStatisticsGranted() {
        brokerDropped.updateAndGet(v -> v.isNaN() ? 0.0 : v);
    }

    /** @param dropped messages the broker dropped since it started, as its $SYS tree reported it */
    public void brokerDropped(long dropped) {
        brokerDropped.set((double) dropped);
    }

    /** @param stored messages the broker holds, as its $SYS tree reported it */
    public void brokerStored(long stored) {
        brokerStored.set((double) stored);
    }
}
