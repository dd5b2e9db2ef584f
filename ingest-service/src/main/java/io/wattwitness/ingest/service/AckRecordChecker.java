package io.wattwitness.ingest.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.wattwitness.reading.DeviceAck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a record of Kafka topic {@code devices.acks} before ingest relays it to MQTT (SPEC.md §6.1): the key must
 * be a device id (16 lowercase hex characters) and the value one ack,
 * {@code {"boot":N,"stored":[[a,b],…],"refused":[[c,d],…]}}, with {@code boot} and every seq a uint32, each list
 * ascending and non-overlapping, at most {@value DeviceAck#MAX_RANGES} ranges in all. Unknown members are allowed
 * (receivers ignore them). Plain Java, thread-safe.
 * <p>
 * verify-service writes these records; one that fails here cannot have come from a device and is never published.
 */
public final class AckRecordChecker {

    private static final long UINT32_MAX = 0xFFFF_FFFFL;

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private final int maxValueBytes;

    /**
     * @param maxValueBytes largest value accepted, bytes (an ack of 256 ranges of uint32 seqs is about 6.2 KiB)
     * @throws IllegalArgumentException if the limit is below 64 bytes
     */
    public AckRecordChecker(int maxValueBytes) {
        if (maxValueBytes < 64) {
            throw new IllegalArgumentException("max ack value must be at least 64 bytes");
        }
        this.maxValueBytes = maxValueBytes;
    }

    /**
     * @param key the record key, may be null
     * @param value the record value, may be null
     * @return {@link AckRecord.Relay} with the decoded ack and the value as text, or {@link AckRecord.Invalid}
     *         ({@code bad_key} checked first, then {@code bad_value}) whose detail names the offending member
     *         ({@code boot}, {@code stored}, {@code refused}) or says the value is not JSON
     */
    public AckRecord check(String key, byte[] value) {
        if (key == null || key.length() != 16 || !key.chars().allMatch(c -> c >= '0' && c <= '9'
                || c >= 'a' && c <= 'f')) {
            return invalid(AckRecord.InvalidReason.BAD_KEY, "key is not a device id of 16 lowercase hex characters: "
                    + (key == null ? "null" : "'" + printable(key) + "'"));
        }
        if (value == null || value.length == 0) {
            return invalid(AckRecord.InvalidReason.BAD_VALUE, "json: the value is empty");
        }
        if (value.length > maxValueBytes) {
            return invalid(AckRecord.InvalidReason.BAD_VALUE,
                    "json: the value is " + value.length + " bytes, the limit is " + maxValueBytes);
        }
        JsonNode root;
        try {
            root = mapper.readTree(value);
        } catch (JsonProcessingException e) {
            return invalid(AckRecord.InvalidReason.BAD_VALUE, "json: not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return invalid(AckRecord.InvalidReason.BAD_VALUE, "json: unreadable value: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            return invalid(AckRecord.InvalidReason.BAD_VALUE, "json: expected a JSON object");
        }
        JsonNode boot = root.get("boot");
        if (!isUint32(boot)) {
            return invalid(AckRecord.InvalidReason.BAD_VALUE, "boot: must be an integer in 0..2^32-1");
        }
        List<DeviceAck.SeqRange> stored;
        List<DeviceAck.SeqRange> refused;
        try {
            stored = ranges("stored", root.get("stored"));
            refused = ranges("refused", root.get("refused"));
        } catch (IllegalArgumentException e) {
            return invalid(AckRecord.InvalidReason.BAD_VALUE, e.getMessage());
        }
        DeviceAck ack;
        try {
            ack = new DeviceAck(boot.longValue(), stored, refused);
        } catch (IllegalArgumentException e) {
            return invalid(AckRecord.InvalidReason.BAD_VALUE, e.getMessage());
        }
        return new AckRecord.Relay(key, ack, new String(value, StandardCharsets.UTF_8));
    }

    private static List<DeviceAck.SeqRange> ranges(String member, JsonNode node) {
        if (node == null || !node.isArray()) {
            throw new IllegalArgumentException(member + ": must be an array of [first, last] seq ranges");
        }
        if (node.size() > DeviceAck.MAX_RANGES) {
            throw new IllegalArgumentException(member + ": more than " + DeviceAck.MAX_RANGES + " ranges");
        }
        List<DeviceAck.SeqRange> ranges = new ArrayList<>(node.size());
        for (JsonNode range : node) {
            if (!range.isArray() || range.size() != 2 || !isUint32(range.get(0)) || !isUint32(range.get(1))
                    || range.get(1).longValue() < range.get(0).longValue()) {
                throw new IllegalArgumentException(member + ": " + range + " is not a range [first, last] of uint32 "
                        + "seqs with first <= last");
            }
            ranges.add(new DeviceAck.SeqRange(range.get(0).longValue(), range.get(1).longValue()));
        }
        return ranges;
    }

    private static boolean isUint32(JsonNode node) {
        return node != null && node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= 0
                && node.longValue() <= UINT32_MAX;
    }

    private static String printable(String text) {
        String cut = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    private static AckRecord invalid(AckRecord.InvalidReason reason, String detail) {
        return new AckRecord.Invalid(reason, detail);
    }
}
