package io.wattwitness.query.rest.model;

import java.time.Instant;

/**
 * One key of an installation.
 *
 * @param publicKey X‖Y hex
 * @param deviceId device id
 * @param validFrom valid since
 * @param retiredAt replaced at, or null
 */
public record KeyView(String publicKey, String deviceId, Instant validFrom, Instant retiredAt) {
}
