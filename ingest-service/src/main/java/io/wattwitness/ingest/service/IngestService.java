package io.wattwitness.ingest.service;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.wattwitness.ingest.config.IngestConfig;
import io.wattwitness.ingest.messaging.KafkaForwarder;
import io.wattwitness.reading.Hex;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The ingest rules: check and forward durably (SPEC.md §4, §6). Ingest never acknowledges a reading to a device:
 * acks come from verify-service after its commit and are only relayed ({@link AckRelayService}).
 * <ul>
 *   <li>An envelope passing {@link EnvelopeChecker} goes to {@code readings.raw}, keyed by device id.</li>
 *   <li>Anything else goes to {@code readings.rejected} with its raw bytes (at most
 *       {@code ingest.limits.max-rejected-raw-bytes} of them) and reason: never dropped.</li>
 *   <li>Status messages go to {@code devices.status}; malformed ones to {@code readings.rejected}
 *       ({@code malformed_status}).</li>
 * </ul>
 * Every method returns a {@link Uni} that completes only once the record is acknowledged by Kafka; the transport
 * acknowledges its message (MQTT PUBACK) only then, so a crash before that point makes the broker redeliver.
 */
@ApplicationScoped
public class IngestService {

    /** {@code ww-source} of readings received over MQTT. */
    public static final String SOURCE_MQTT = "mqtt";

    private final EnvelopeChecker envelopes;
    private final StatusChecker statuses;
    private final KafkaForwarder kafka;
    private final IngestMetrics metrics;
    private final DeviceTopics topics;
    private final int maxRejectedRawBytes;

    IngestService(DeviceTopics topics, EnvelopeChecker envelopes, StatusChecker statuses, KafkaForwarder kafka,
            IngestMetrics metrics, IngestConfig config) {
        this.topics = topics;
        this.maxRejectedRawBytes = config.limits().maxRejectedRawBytes();
        this.envelopes = envelopes;
        this.statuses = statuses;
        this.kafka = kafka;
        this.metrics = metrics;
    }

    /**
     * Handles one envelope received on {@code wattwitness/v1/devices/{id}/readings}.
     *
     * @param topic the MQTT topic
     * @param payload the payload bytes as received
     * @param receivedAtMs receive time, Unix ms
     * @return completes when the envelope is durably in {@code readings.raw} or {@code readings.rejected}; fails
     *         when Kafka did not take it (the caller must then not acknowledge the MQTT message)
     */
    public Uni<Void> reading(String topic, byte[] payload, long receivedAtMs) {
        metrics.received();
        String topicDeviceId = topics.deviceIdOf(topic);
        EnvelopeCheck check = envelopes.check(payload, topicDeviceId == null ? "" : topicDeviceId);
        if (check instanceof EnvelopeCheck.Accepted accepted) {
            return kafka.reading(accepted.deviceId(), payload, receivedAtMs, SOURCE_MQTT, topic)
                    .invoke(metrics::forwarded)
                    .onFailure().invoke(failure -> onFailure(topic, failure));
        }
        EnvelopeCheck.Rejected rejected = (EnvelopeCheck.Rejected) check;
        return reject(rejected.reason(), rejected.detail(), topic, topicDeviceId, payload, receivedAtMs);
    }

    /**
     * Handles one message received on {@code wattwitness/v1/devices/{id}/status}.
     *
     * @param topic the MQTT topic
     * @param payload the payload bytes as received
     * @param receivedAtMs receive time, Unix ms
     * @return completes when the message is durably in {@code devices.status} or {@code readings.rejected}
     */
    public Uni<Void> status(String topic, byte[] payload, long receivedAtMs) {
        String topicDeviceId = topics.deviceIdOf(topic);
        StatusCheck check = statuses.check(payload, topicDeviceId);
        if (check instanceof StatusCheck.Accepted accepted) {
            return kafka.status(accepted.deviceId(), KafkaValues.status(accepted, receivedAtMs))
                    .invoke(metrics::statusForwarded)
                    .onFailure().invoke(failure -> onFailure(topic, failure));
        }
        StatusCheck.Rejected rejected = (StatusCheck.Rejected) check;
        return reject(rejected.reason(), rejected.detail(), topic, topicDeviceId, payload, receivedAtMs);
    }

    private Uni<Void> reject(RejectReason reason, String detail, String topic, String topicDeviceId, byte[] payload,
            long receivedAtMs) {
        Log.warnf("rejected message on %s: %s (%s)", topic, reason.wire(), detail);
        String key = topicDeviceId != null && Hex.isHex(topicDeviceId, 16) ? topicDeviceId : null;
        byte[] value = KafkaValues.rejected(reason, detail, SOURCE_MQTT, topic, receivedAtMs, payload,
                maxRejectedRawBytes);
        return kafka.rejected(key, value)
                .invoke(() -> metrics.rejected(reason))
                .onFailure().invoke(failure -> onFailure(topic, failure));
    }

    private void onFailure(String topic, Throwable failure) {
        metrics.forwardFailure();
        Log.errorf("Kafka did not take the message from %s, it stays unacknowledged at the broker: %s", topic,
                failure.toString());
    }
}
