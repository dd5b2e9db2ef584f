package io.wattwitness.ingest.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;

/**
 * Builds the JSON values of the Kafka topics ingest writes besides {@code readings.raw} (kafka-contract.md).
 * Plain Java, thread-safe.
 */
public final class KafkaValues {

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private KafkaValues() {
    }

    /**
     * Value of a {@code readings.rejected} record.
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
        ObjectNode node = MAPPER.createObjectNode();
        node.put("reason", reason.wire());
        node.put("detail", detail);
        node.put("source", source);
        node.put("topic", topic);
        node.put("received_at", receivedAtMs);
        node.put("raw_base64", Base64.getEncoder().encodeToString(raw));
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
