package io.wattwitness.ingest.service;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.wattwitness.ingest.config.IngestConfig;
import io.wattwitness.ingest.messaging.DeviceAckPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * Relays the acks verify-service writes to Kafka {@code devices.acks} after its commit to the device's MQTT topic
 * {@code <root>/{id}/ack}, QoS 1, not retained (SPEC.md §6.1). Ingest makes no ack of its own.
 * <ul>
 *   <li>A record that {@link AckRecordChecker} refuses (bad key, value not an ack) is logged at WARN, counted in
 *       {@code ingest_ack_records_invalid_total{reason}} and skipped: it cannot come from a device.</li>
 *   <li>A valid ack is published with the value's JSON text unchanged. A failed attempt (no connection, connection
 *       lost or no PUBACK within {@code ingest.acks.puback-timeout}) is logged, counted in
 *       {@code ingest_ack_relay_failures_total} and tried again after {@code ingest.acks.retry-delay}, doubling up to
 *       {@code ingest.acks.max-retry-delay}, without end: an ack is never dropped. Acks are idempotent, so a repeat
 *       after a lost PUBACK does no harm.</li>
 * </ul>
 */
@ApplicationScoped
public class AckRelayService {

    private final AckRecordChecker checker;
    private final DeviceAckPublisher publisher;
    private final DeviceTopics topics;
    private final IngestMetrics metrics;
    private final Duration retryDelay;
    private final Duration maxRetryDelay;

    AckRelayService(AckRecordChecker checker, DeviceAckPublisher publisher, DeviceTopics topics,
            IngestMetrics metrics, IngestConfig config) {
        this.checker = checker;
        this.publisher = publisher;
        this.topics = topics;
        this.metrics = metrics;
        this.retryDelay = config.acks().retryDelay();
        this.maxRetryDelay = config.acks().maxRetryDelay();
    }

    /**
     * Relays one {@code devices.acks} record.
     *
     * @param key the record key (device id hex), may be null
     * @param value the record value ({@code DeviceAck.toJson()} as UTF-8), may be null
     * @param origin where the record came from, for log lines (e.g. {@code devices.acks-2@117})
     * @return completes when the broker PUBACKed the ack, or at once for a record that was skipped; fails only when
     *         cancelled (the record must then not be committed)
     */
    public Uni<Void> relay(String key, byte[] value, String origin) {
        AckRecord record = checker.check(key, value);
        if (record instanceof AckRecord.Invalid invalid) {
            metrics.invalidAck(invalid.reason());
            Log.warnf("skipped ack record %s: %s (%s)", origin, invalid.reason().wire(), invalid.detail());
            return Uni.createFrom().voidItem();
        }
        AckRecord.Relay ack = (AckRecord.Relay) record;
        String topic = topics.ack(ack.deviceId());
        return Uni.createFrom().deferred(() -> publisher.publish(topic, ack.json()))
                .onFailure().invoke(failure -> {
                    metrics.ackRelayFailure();
                    Log.warnf("ack %s for device %s not published yet, will retry: %s", origin, ack.deviceId(),
                            failure.getMessage());
                })
                .onFailure().retry().withBackOff(retryDelay, maxRetryDelay).indefinitely()
                .invoke(() -> {
                    metrics.ackRelayed();
                    Log.debugf("relayed ack %s to %s: %s", origin, topic, ack.json());
                });
    }
}
