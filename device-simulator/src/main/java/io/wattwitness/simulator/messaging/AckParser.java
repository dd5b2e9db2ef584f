package io.wattwitness.simulator.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.wattwitness.reading.DeviceAck;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Strict parser of the ack of SPEC.md §6.1, {@code {"boot":N,"stored":[[a,b],…],"refused":[[c,d],…]}}: one JSON
 * object (no trailing tokens, no duplicate members), {@code boot} an integer in uint32, {@code stored} and
 * {@code refused} both present, arrays of {@code [first, last]} integer pairs, ascending and non-overlapping, at most
 * {@value DeviceAck#MAX_RANGES} ranges in all; unknown members are ignored. Thread-safe.
 */
public final class AckParser {

    /** Largest ack payload accepted, bytes (256 ranges of two uint32 take under 6 KiB). */
    public static final int MAX_PAYLOAD_BYTES = 16 * 1024;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** An ack that does not follow SPEC.md §6.1; the message names the member (or {@code json}). */
    public static final class InvalidAckException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidAckException(String message) {
            super(message);
        }
    }

    private AckParser() {
    }

    /**
     * @param payload the bytes received on the ack topic
     * @return the ack
     * @throws InvalidAckException when the payload is too large, not JSON, or a member is missing or wrong; the
     *         message starts with the member: {@code json:}, {@code boot:}, {@code stored:} or {@code refused:}
     */
    public static DeviceAck parse(byte[] payload) throws InvalidAckException {
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new InvalidAckException("json: " + payload.length + " bytes, at most " + MAX_PAYLOAD_BYTES);
        }
        JsonNode root;
        try {
            root = payload.length == 0 ? null : JSON.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new InvalidAckException("json: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidAckException("json: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidAckException("json: not a JSON object");
        }
        JsonNode boot = root.get("boot");
        if (boot == null || !boot.isIntegralNumber() || !boot.canConvertToLong()) {
            throw new InvalidAckException("boot: missing or not an integer");
        }
        List<DeviceAck.SeqRange> stored = ranges("stored", root.get("stored"));
        List<DeviceAck.SeqRange> refused = ranges("refused", root.get("refused"));
        try {
            return new DeviceAck(boot.longValue(), stored, refused);
        } catch (IllegalArgumentException e) {
            throw new InvalidAckException(e.getMessage());
        }
    }

    private static List<DeviceAck.SeqRange> ranges(String member, JsonNode node) throws InvalidAckException {
        if (node == null || !node.isArray()) {
            throw new InvalidAckException(member + ": missing or not an array of [first, last] ranges");
        }
        if (node.size() > DeviceAck.MAX_RANGES) {
            throw new InvalidAckException(member + ": more than " + DeviceAck.MAX_RANGES + " ranges");
        }
        List<DeviceAck.SeqRange> out = new ArrayList<>(node.size());
        for (JsonNode range : node) {
            if (!range.isArray() || range.size() != 2 || !isLong(range.get(0)) || !isLong(range.get(1))) {
                throw new InvalidAckException(member + ": " + range + " is not a [first, last] pair of integers");
            }
            try {
                out.add(new DeviceAck.SeqRange(range.get(0).longValue(), range.get(1).longValue()));
            } catch (IllegalArgumentException e) {
                throw new InvalidAckException(member + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static boolean isLong(JsonNode node) {
        return node.isIntegralNumber() && node.canConvertToLong();
    }
}
