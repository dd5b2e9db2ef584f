package io.wattwitness.ingest.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.ReadingFormatException;
import java.io.IOException;

/**
 * The cheap checks ingest applies to a transport envelope before forwarding it (SPEC.md §4, README.md):
 * size, JSON shape, hex lengths and, for MQTT, that the topic's device id is the message's device id. No
 * cryptography and no decoding beyond the device id: signature, format and business rules are verify-service's.
 * <p>
 * Plain Java, thread-safe and reusable for any transport: pass {@code null} as the expected device id when the
 * transport carries none. Members other than {@code message} and {@code signature} are ignored (forward compatible).
 */
public final class EnvelopeChecker {

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private final int maxPayloadBytes;

    /**
     * @param maxPayloadBytes largest payload accepted, in bytes (a compact envelope is 262 bytes)
     * @throws IllegalArgumentException if the limit is below the size of a compact envelope
     */
    public EnvelopeChecker(int maxPayloadBytes) {
        int compact = Envelope.MESSAGE_HEX_LENGTH + Envelope.SIGNATURE_HEX_LENGTH
                + "{\"message\":\"\",\"signature\":\"\"}".length();
        if (maxPayloadBytes < compact) {
            throw new IllegalArgumentException("max payload must be at least " + compact + " bytes");
        }
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /**
     * Checks one envelope.
     *
     * @param payload the bytes as received (UTF-8 JSON expected), may be empty, not null
     * @param expectedDeviceId the device id the transport names (MQTT topic segment), or null when there is none
     * @return {@link EnvelopeCheck.Accepted} with the decoded envelope, or {@link EnvelopeCheck.Rejected} with one of
     *         {@code payload_too_large}, {@code malformed_json}, {@code missing_member}, {@code message_length},
     *         {@code signature_length}, {@code topic_mismatch} (checked in that order)
     */
    public EnvelopeCheck check(byte[] payload, String expectedDeviceId) {
        if (payload.length > maxPayloadBytes) {
            return reject(RejectReason.PAYLOAD_TOO_LARGE,
                    "payload is " + payload.length + " bytes, the limit is " + maxPayloadBytes);
        }
        JsonNode root;
        try {
            root = payload.length == 0 ? null : mapper.readTree(payload);
        } catch (JsonProcessingException e) {
            return reject(RejectReason.MALFORMED_JSON, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return reject(RejectReason.MALFORMED_JSON, "unreadable payload: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            return reject(RejectReason.MALFORMED_JSON, "expected a JSON object {\"message\":..,\"signature\":..}");
        }
        JsonNode message = root.get("message");
        JsonNode signature = root.get("signature");
        if (message == null || signature == null) {
            return reject(RejectReason.MISSING_MEMBER, "member " + (message == null ? "message" : "signature")
                    + " is missing");
        }
        Envelope envelope;
        try {
            envelope = Envelope.ofHex(message.isTextual() ? message.textValue() : null,
                    signature.isTextual() ? signature.textValue() : null);
        } catch (ReadingFormatException e) {
            RejectReason reason = e.code() == ReadingFormatException.Code.SIGNATURE_LENGTH
                    ? RejectReason.SIGNATURE_LENGTH : RejectReason.MESSAGE_LENGTH;
            return reject(reason, e.getMessage() + ", as a JSON string");
        }
        String deviceId = envelope.deviceIdHex();
        if (expectedDeviceId != null && !expectedDeviceId.equals(deviceId)) {
            return reject(RejectReason.TOPIC_MISMATCH,
                    "topic names device " + expectedDeviceId + " but the message is from device " + deviceId);
        }
        return new EnvelopeCheck.Accepted(envelope, deviceId);
    }

    private static EnvelopeCheck reject(RejectReason reason, String detail) {
        return new EnvelopeCheck.Rejected(reason, detail);
    }
}
