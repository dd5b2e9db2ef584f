package io.wattwitness.verify.repository;

/**
 * A row to insert into {@code quarantine} (schema {@code V20__verify_quarantine_events.sql}).
 *
 * @param receivedAtMs receive time, Unix ms
 * @param source where it came from ({@code mqtt}, …)
 * @param stage {@code ingest} or {@code verify}
 * @param reason the reason code
 * @param detail a human-readable detail, or null
 * @param topic the MQTT topic, or null
 * @param deviceId the claimed device id, or null
 * @param installationId the installation, or null
 * @param boot the boot counter, or null
 * @param seq the sequence number, or null
 * @param raw the raw bytes as received
 * @param rawSha256 SHA-256 of {@code raw}, 64 lowercase hex
 * @param eventKey the row's identity, 64 lowercase hex (a redelivery has the same key and is skipped)
 */
public record QuarantineRow(long receivedAtMs, String source, String stage, String reason, String detail, String topic,
        String deviceId, Long installationId, Long boot, Long seq, byte[] raw, String rawSha256, String eventKey) {
}
