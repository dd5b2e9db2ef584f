package io.wattwitness.ingest.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.wattwitness.reading.Hex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Checks device status messages (README.md): birth {@code {"state":"online","boot":N,"firmware":..,"ts":..}}
 * and last will {@code {"state":"offline","boot":N}} on {@code wattwitness/v1/devices/{id}/status}. Plain Java,
 * thread-safe. Other members are kept in the forwarded payload text but not interpreted.
 */
public final class StatusChecker {

    private static final long UINT32_MAX = 0xFFFF_FFFFL;

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private final int maxPayloadBytes;

    /** @param maxPayloadBytes largest payload accepted, in bytes */
    public StatusChecker(int maxPayloadBytes) {
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /**
     * @param payload the bytes as received, not null
     * @param topicDeviceId the id segment of the topic (may be null or malformed)
     * @return {@link StatusCheck.Accepted}, or {@link StatusCheck.Rejected} with reason {@code malformed_status} when
     *         the topic id is not 16 lowercase hex, the payload is too large or not a JSON object, {@code state} is not
     *         {@code online}/{@code offline}, or {@code boot} is present but not a uint32
     */
    public StatusCheck check(byte[] payload, String topicDeviceId) {
        if (topicDeviceId == null || !Hex.isHex(topicDeviceId, 16)
                || !topicDeviceId.equals(topicDeviceId.toLowerCase())) {
            return reject("topic device id is not 16 lowercase hex characters: " + topicDeviceId);
        }
        if (payload.length > maxPayloadBytes) {
            return reject("payload is " + payload.length + " bytes, the limit is " + maxPayloadBytes);
        }
        JsonNode root;
        try {
            root = payload.length == 0 ? null : mapper.readTree(payload);
        } catch (JsonProcessingException e) {
            return reject("not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return reject("unreadable payload: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            return reject("expected a JSON object {\"state\":..,\"boot\":..}");
        }
        JsonNode state = root.get("state");
        if (state == null || !state.isTextual()
                || !("online".equals(state.textValue()) || "offline".equals(state.textValue()))) {
            return reject("member state must be \"online\" or \"offline\"");
        }
        JsonNode boot = root.get("boot");
        Long bootValue = null;
        if (boot != null && !boot.isNull()) {
            if (!boot.isIntegralNumber() || !boot.canConvertToLong() || boot.longValue() < 0
                    || boot.longValue() > UINT32_MAX) {
                return reject("member boot must be an integer in 0..2^32-1");
            }
            bootValue = boot.longValue();
        }
        return new StatusCheck.Accepted(topicDeviceId, state.textValue(), bootValue,
                new String(payload, StandardCharsets.UTF_8));
    }

    private static StatusCheck reject(String detail) {
        return new StatusCheck.Rejected(RejectReason.MALFORMED_STATUS, detail);
    }
}
