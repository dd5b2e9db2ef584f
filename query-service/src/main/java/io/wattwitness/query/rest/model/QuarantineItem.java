package io.wattwitness.query.rest.model;

import java.time.Instant;

/**
 * @param id id
 * @param receivedAt received
 * @param reason code
 * @param detail text
 * @param deviceId device or null
 * @param boot boot or null
 * @param seq seq or null
 * @param raw the envelope as received, as text
 */
public record QuarantineItem(long id, Instant receivedAt, String reason, String detail, String deviceId, Long boot,
        Long seq, String raw) {
}
