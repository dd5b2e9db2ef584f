package io.wattwitness.query.rest.model;

import java.util.List;

/**
 * Body of {@code POST /api/v1/installations/}.
 *
 * @param name display name, required
 * @param shellyMac meter MAC, 12 hex, required
 * @param publicKey device key X‖Y, 128 hex, on P-256, required
 * @param timezone IANA zone, default UTC
 * @param latitude −90..90 or null
 * @param longitude −180..180 or null
 * @param capacityW nameplate W ≥ 0 or null
 * @param rotateKey allow replacing the key of an existing installation
 * @param certificates optional attestation of {@code public_key}: PEM certificates, the device certificate first,
 *        then its signer (ATECC608A Trust&amp;GO layout), 1 to 4; checked against the configured trust anchors
 *        (400 malformed, 422 {@code attestation_failed} / {@code attestation_disabled}, see AttestationService)
 */
public record InstallationRequest(String name, String shellyMac, String publicKey, String timezone, Double latitude,
        Double longitude, Double capacityW, Boolean rotateKey, List<String> certificates) {
}
