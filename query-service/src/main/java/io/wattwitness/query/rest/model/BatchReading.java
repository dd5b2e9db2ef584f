package io.wattwitness.query.rest.model;

/**
 * @param id reading id
 * @param installationId installation
 * @param deviceId 16 hex
 * @param message 104 hex
 * @param signature 128 hex, low-S
 * @param timestamp reading time, Unix s
 */
public record BatchReading(long id, long installationId, String deviceId, String message, String signature,
        long timestamp) {
}
