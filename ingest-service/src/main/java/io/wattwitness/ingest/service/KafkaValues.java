package io.wattwitness.ingest.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattwitness.reading.Hex;
import io.wattwitness.reading.ReadingMessage;
import java.util.Arrays;
import java.util.Base64;

/**
 * Builds the JSON values of the Kafka topics ingest writes besides {@code readings.raw} (README.md).
 * Plain Java, thread-safe.
 */
public final class KafkaValues {

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private KafkaValues() {
    }

    /** Default for the most payload bytes a {@code readings.rejected} record keeps (64 KiB). */
    public static final int DEFAULT_MAX_REJECTED_RAW_BYTES = 65_536;

    /**
     * Value of a {@code readings.rejected} record, keeping the whole payload.
     *
     * @param reason the reason code
     * @param detail human-readable explanation
     * @param source {@code mqtt} or {@code http}
     * @param topic the MQTT topic, or null
     * @param receivedAtMs receive time, Unix ms
     * @param raw the payload bytes exactly as received
     * @return UTF-8 JSON {@code {"reason","detail","source","topic","received_at","raw_base64"}}
     */
    public static byte[] rejected(RejectReason reason, String detail, String source, String topic, long receivedAtMs,
            byte[] raw) {
        return rejected(reason, detail, source, topic, receivedAtMs, raw, Integer.MAX_VALUE);
    }

    /**
     * Value of a {@code readings.rejected} record. A payload longer than {@code maxRawBytes} is cut to its first
     * {@code maxRawBytes} bytes, so that the record stays below Kafka's record size limit (1 MiB by default): an
     * oversized payload would otherwise fail the send forever and, never acknowledged, be redelivered by the broker
     * in a loop. A cut record says so in {@code detail} and carries {@code raw_length} (the full size in bytes) and
     * {@code raw_sha256} (lowercase hex SHA-256 of the full payload).
     *
     * @param reason the reason code
     * @param detail human-readable explanation
     * @param source {@code mqtt} or {@code http}
     * @param topic the MQTT topic, or null
     * @param receivedAtMs receive time, Unix ms
     * @param raw the payload bytes exactly as received
     * @param maxRawBytes most payload bytes kept, ≥ 0
     * @return UTF-8 JSON {@code {"reason","detail","source","topic","received_at","raw_base64"}}, plus
     *         {@code "raw_length","raw_sha256"} when the payload was cut
     */
    public static byte[] rejected(RejectReason reason, String detail, String source, String topic, long receivedAtMs,
            byte[] raw, int maxRawBytes) {
        boolean cut = raw.length > maxRawBytes;
        ObjectNode node = MAPPER.createObjectNode();
        node.put("reason", reason.wire());
        node.put("detail", cut ? detail + " (raw payload cut to its first " + maxRawBytes + " of " + raw.length
                + " bytes)" : detail);
        node.put("source", source);
        node.put("topic", topic);
        node.put("received_at", receivedAtMs);
        node.put("raw_base64", Base64.getEncoder().encodeToString(cut ? Arrays.copyOf(raw, maxRawBytes) : raw));
        if (cut) {
            node.put("raw_length", raw.length);
            node.put("raw_sha256", Hex.encode(ReadingMessage.digest(raw)));
        }
        return write(node);
    }

    /**
     * Value of a {@code devices.status} record.
     *
     * @param status the checked status message
     * @param receivedAtMs receive time, Unix ms
     * @return UTF-8 JSON {@code {"device_id","state","boot","payload","received_at"}}
     */
    public static byte[] status(StatusCheck.Accepted status, long receivedAtMs) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("device_id", status.deviceId());
        node.put("state", status.state());
        node.put("boot", status.boot());
        node.put("payload", status.payload());
        node.put("received_at", receivedAtMs);
        return write(node);
    }

    private static byte[] write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }
}
