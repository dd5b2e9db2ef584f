package io.wattwitness.ingest.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Writes to the Kafka topics of ingest (README.md). Topic names and producer settings ({@code acks=all},
 * {@code enable.idempotence=true}) are in application.properties, per channel. Every method returns a {@link Uni}
 * that completes only when the broker has acknowledged the record, and fails when the producer gave up.
 */
@ApplicationScoped
public class KafkaForwarder {

    /** Channel of topic {@code readings.raw}: key device id, value the envelope as received. */
    public static final String READINGS_RAW = "readings-raw";
    /** Channel of topic {@code readings.rejected}: key device id from the topic or null, value a JSON record. */
    public static final String READINGS_REJECTED = "readings-rejected";
    /** Channel of topic {@code devices.status}: key device id, value a JSON record. */
    public static final String DEVICES_STATUS = "devices-status";

    /** Header: receive time, Unix ms as a decimal string. */
    public static final String HEADER_RECEIVED_AT = "ww-received-at";
    /** Header: transport, {@code mqtt} or {@code http}. */
    public static final String HEADER_SOURCE = "ww-source";
    /** Header: the MQTT topic the envelope came on. */
    public static final String HEADER_TOPIC = "ww-topic";

    private final MutinyEmitter<byte[]> raw;
    private final MutinyEmitter<byte[]> rejected;
    private final MutinyEmitter<byte[]> status;

    KafkaForwarder(@Channel(READINGS_RAW) MutinyEmitter<byte[]> raw,
            @Channel(READINGS_REJECTED) MutinyEmitter<byte[]> rejected,
            @Channel(DEVICES_STATUS) MutinyEmitter<byte[]> status) {
        this.raw = raw;
        this.rejected = rejected;
        this.status = status;
    }

    /**
     * @param deviceId record key, 16 lowercase hex characters
     * @param envelope the payload bytes exactly as received
     * @param receivedAtMs receive time, Unix ms
     * @param source {@code mqtt} or {@code http}
     * @param mqttTopic the MQTT topic, or null for other transports
     * @return completes when {@code readings.raw} acknowledged the record
     */
    public Uni<Void> reading(String deviceId, byte[] envelope, long receivedAtMs, String source, String mqttTopic) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(HEADER_RECEIVED_AT, Long.toString(receivedAtMs).getBytes(StandardCharsets.UTF_8));
        headers.add(HEADER_SOURCE, source.getBytes(StandardCharsets.UTF_8));
        if (mqttTopic != null) {
            headers.add(HEADER_TOPIC, mqttTopic.getBytes(StandardCharsets.UTF_8));
        }
        return raw.sendMessage(record(deviceId, envelope, headers));
    }

    /**
     * @param deviceId record key, or null when the transport named no usable device id
     * @param value the JSON value (see {@code KafkaValues.rejected})
     * @return completes when {@code readings.rejected} acknowledged the record
     */
    public Uni<Void> rejected(String deviceId, byte[] value) {
        return rejected.sendMessage(record(deviceId, value, new RecordHeaders()));
    }

    /**
     * @param deviceId record key, 16 lowercase hex characters
     * @param value the JSON value (see {@code KafkaValues.status})
     * @return completes when {@code devices.status} acknowledged the record
     */
    public Uni<Void> status(String deviceId, byte[] value) {
        return status.sendMessage(record(deviceId, value, new RecordHeaders()));
    }

    private static Message<byte[]> record(String key, byte[] value, RecordHeaders headers) {
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(key)
                .withHeaders(headers)
                .build();
        return Message.of(value).addMetadata(metadata);
    }
}
