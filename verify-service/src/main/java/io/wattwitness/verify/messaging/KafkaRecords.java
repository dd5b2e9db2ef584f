package io.wattwitness.verify.messaging;

import io.wattwitness.verify.service.RawEnvelope;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Reads the headers ingest-service sets ({@code ww-received-at}, {@code ww-source}, {@code ww-topic}; its README). */
final class KafkaRecords {

    static final String RECEIVED_AT = "ww-received-at";
    static final String SOURCE = "ww-source";
    static final String TOPIC = "ww-topic";

    private KafkaRecords() {
    }

    /**
     * @param record a {@code readings.raw} record
     * @return the envelope with receive time from {@code ww-received-at}, else the record timestamp, else now
     */
    static RawEnvelope toRaw(ConsumerRecord<String, byte[]> record) {
        String source = header(record, SOURCE);
        return new RawEnvelope(record.topic(), record.partition(), record.offset(), record.key(),
                record.value() == null ? new byte[0] : record.value(), receivedAt(record),
                source == null ? "unknown" : source, header(record, TOPIC));
    }

    /**
     * @param record any record
     * @return Unix ms from {@code ww-received-at}, else the record timestamp, else now
     */
    static long receivedAt(ConsumerRecord<String, byte[]> record) {
        String text = header(record, RECEIVED_AT);
        if (text != null) {
            try {
                long value = Long.parseLong(text.trim());
                if (RawEnvelope.isPlausibleTime(value)) {
                    return value;
                }
            } catch (NumberFormatException ignored) {
                // fall back to the record timestamp
            }
        }
        return RawEnvelope.isPlausibleTime(record.timestamp()) ? record.timestamp() : System.currentTimeMillis();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
