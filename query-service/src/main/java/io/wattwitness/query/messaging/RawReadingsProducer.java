package io.wattwitness.query.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Forwards envelopes received over HTTP to {@code readings.raw} (Kafka contract): key = device id, value = the body
 * exactly as received, headers {@code ww-received-at} and {@code ww-source=http}. Completes once Kafka acknowledged.
 */
@ApplicationScoped
public class RawReadingsProducer {

    /** Outgoing channel; its topic is set in application.properties. */
    public static final String READINGS_RAW = "readings-raw";

    private final MutinyEmitter<byte[]> emitter;

    /**
     * @param emitter the channel emitter
     */
    public RawReadingsProducer(@Channel(READINGS_RAW) MutinyEmitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    /**
     * @param deviceId 16 lowercase hex (record key)
     * @param body the envelope bytes as received
     * @param receivedAtMs receive time, Unix ms
     * @return completion after the broker acknowledged (acks=all)
     */
    public Uni<Void> send(String deviceId, byte[] body, long receivedAtMs) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ww-received-at", Long.toString(receivedAtMs).getBytes(StandardCharsets.US_ASCII));
        headers.add("ww-source", "http".getBytes(StandardCharsets.US_ASCII));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(deviceId).withHeaders(headers).build();
        return emitter.sendMessage(Message.of(body).addMetadata(metadata));
    }
}
