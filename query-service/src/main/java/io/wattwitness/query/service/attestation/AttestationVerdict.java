package io.wattwitness.query.service.attestation;

import java.time.Instant;

/**
 * A certificate chain that attested a device key.
 *
 * @param deviceSubject the device certificate's subject, RFC 4514 string
 * @param serial the device certificate's serial number, lowercase hex without leading zeros
 * @param anchorSubject the subject of the configured trust anchor that signed the chain's last certificate
 * @param checkedAt when the chain was checked (every certificate was valid then)
 */
public record AttestationVerdict(String deviceSubject, String serial, String anchorSubject, Instant checkedAt) {
}
