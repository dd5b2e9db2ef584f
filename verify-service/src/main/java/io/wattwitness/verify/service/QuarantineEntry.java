package io.wattwitness.verify.service;

import io.wattwitness.reading.Hex;
import io.wattwitness.reading.ReadingMessage;
import java.nio.charset.StandardCharsets;

/**
 * One row for the {@code quarantine} table.
 *
 * @param receivedAtMs when the backend received the envelope, Unix ms
 * @param source {@code mqtt}, {@code http} or {@code unknown}
 * @param stage {@code ingest} (from {@code readings.rejected}) or {@code verify}
 * @param reason machine-readable code
 * @param detail human-readable explanation, may be null
 * @param topic MQTT topic, may be null
 * @param deviceId claimed device id, may be null
 * @param installationId installation of the key when known, may be null
 * @param boot boot counter when the message decoded, may be null
 * @param seq sequence number when the message decoded, may be null
 * @param raw the envelope exactly as received (never null)
 */
public record QuarantineEntry(long receivedAtMs, String source, String stage, String reason, String detail,
        String topic, String deviceId, Long installationId, Long boot, Long seq, byte[] raw) {

    /** Stage of envelopes refused by ingest-service. */
    public static final String STAGE_INGEST = "ingest";
    /** Stage of records refused by verify-service. */
    public static final String STAGE_VERIFY = "verify";
    /** Longest detail kept, in characters. */
    public static final int MAX_DETAIL = 2000;

    /** Replaces NUL characters (PostgreSQL text cannot hold them) in every text field; raw bytes are kept as is. */
    public QuarantineEntry {
        source = clean(source);
        reason = clean(reason);
        detail = clean(detail);
        topic = clean(topic);
        deviceId = clean(deviceId);
    }

    /** @return lowercase hex SHA-256 of {@link #raw()} */
    public String rawSha256() {
        return Hex.encode(ReadingMessage.digest(raw));
    }

    /**
     * Identity of a quarantined envelope, for idempotent storage: SHA-256 over stage, reason, claimed device id and
     * the raw bytes' SHA-256 (schema V21). A Kafka redelivery, an MQTT redelivery after a crash and a device's
     * resend of the same bytes are one row; the same bytes claimed by another device, or refused for another
     * reason, are another row. Receive time is deliberately left out: a resend must stay a no-op.
     *
     * @return 64 lowercase hex characters
     */
    public String eventKey() {
        String identity = String.join("\n", "v21", stage, reason, String.valueOf(deviceId), rawSha256());
        return Hex.encode(ReadingMessage.digest(identity.getBytes(StandardCharsets.UTF_8)));
    }

    private static String clean(String text) {
        return text == null || text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
    }

    /**
     * @param rejected a verify-stage rejection
     * @return its quarantine row
     */
    public static QuarantineEntry of(Checked.Rejected rejected) {
        RawEnvelope raw = rejected.raw();
        return new QuarantineEntry(raw.receivedAtMs(), raw.source(), STAGE_VERIFY, rejected.reason(),
                truncate(rejected.detail() + " [" + raw.position() + "]"), raw.mqttTopic(), rejected.deviceId(),
                rejected.installationId(), rejected.boot(), rejected.seq(), raw.value());
    }

    /**
     * @param text any text or null
     * @return the text cut to {@link #MAX_DETAIL} characters
     */
    public static String truncate(String text) {
        return text == null || text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL);
    }
}
