package io.wattwitness.query.rest.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * An installation.
 *
 * @param id id
 * @param name name
 * @param shellyMac MAC
 * @param publicKey current key
 * @param deviceId current device id, 16 hex
 * @param timezone IANA zone
 * @param latitude latitude
 * @param longitude longitude
 * @param capacityW capacity W
 * @param createdAt created
 * @param updatedAt updated
 * @param isActive active
 * @param keyFingerprint = device id
 * @param keys key history, oldest first
 * @param attestation whether a certificate chain attested the current key
 */
public record InstallationView(long id, String name, String shellyMac, String publicKey, String deviceId,
        String timezone, Double latitude, Double longitude, Double capacityW, Instant createdAt, Instant updatedAt,
        @JsonProperty("is_active") boolean isActive, String keyFingerprint, List<KeyView> keys,
        AttestationView attestation) {
}
