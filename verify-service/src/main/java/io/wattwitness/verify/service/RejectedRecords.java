package io.wattwitness.verify.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Base64;

/**
 * Turns a {@code readings.rejected} record (ingest-service README: {@code {"reason", "detail", "source", "topic",
 * "received_at", "raw_base64"}}) into a quarantine row of stage {@code ingest}. A record that does not follow the
 * contract is still quarantined, whole, with reason {@code malformed_rejected_record}. Plain Java, thread-safe.
 */
public final class RejectedRecords {

    /** Reason for a {@code readings.rejected} record that is not the contract's JSON. */
    public static final String MALFORMED_RECORD = "malformed_rejected_record";

    private static final ObjectMapper JSON = new ObjectMapper();

    private RejectedRecords() {
    }

    /**
     * @param key record key (device id from the MQTT topic) or null
     * @param value record value
     * @param fallbackReceivedAtMs receive time to use when the record has none (header or record timestamp)
     * @param position topic/partition@offset, for the detail of malformed records
     * @return the quarantine row
     */
    public static QuarantineEntry toEntry(String key, byte[] value, long fallbackReceivedAtMs, String position) {
        byte[] bytes = value == null ? new byte[0] : value;
        String deviceId = ReadingChecker.isDeviceId(key) ? key : null;
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            return malformed(bytes, fallbackReceivedAtMs, deviceId, "record is not a JSON object [" + position + "]");
        }
        String reason = text(root, "reason");
        String rawBase64 = text(root, "raw_base64");
        byte[] raw;
        try {
            raw = rawBase64 == null ? null : Base64.getDecoder().decode(rawBase64);
        } catch (IllegalArgumentException e) {
            raw = null;
        }
        if (reason == null || reason.isBlank() || raw == null) {
            return malformed(bytes, fallbackReceivedAtMs, deviceId,
                    "record lacks a reason or a valid raw_base64 [" + position + "]");
        }
        JsonNode receivedAt = root.get("received_at");
        long receivedAtMs = receivedAt != null && receivedAt.canConvertToLong()
                && RawEnvelope.isPlausibleTime(receivedAt.asLong())
                ? receivedAt.asLong() : fallbackReceivedAtMs;
        String source = text(root, "source");
        return new QuarantineEntry(receivedAtMs, source == null ? "unknown" : source, QuarantineEntry.STAGE_INGEST,
                reason, QuarantineEntry.truncate(text(root, "detail")), text(root, "topic"), deviceId, null, null,
                null, raw);
    }

    private static QuarantineEntry malformed(byte[] value, long receivedAtMs, String deviceId, String detail) {
        return new QuarantineEntry(receivedAtMs, "unknown", QuarantineEntry.STAGE_INGEST, MALFORMED_RECORD, detail,
                null, deviceId, null, null, null, value);
    }

    private static String text(JsonNode root, String member) {
        JsonNode node = root.get(member);
        return node != null && node.isTextual() ? node.textValue() : null;
    }
}
