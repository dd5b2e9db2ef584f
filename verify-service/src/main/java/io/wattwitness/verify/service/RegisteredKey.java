package io.wattwitness.verify.service;

import io.wattwitness.reading.DeviceKey;

/**
 * A device key registered to an installation ({@code installation_keys}, or an installation's current key).
 *
 * @param installationId the installation that owns the key
 * @param deviceId the registered device id, 16 lowercase hex (normally {@code key.deviceIdHex()})
 * @param key the parsed, curve-checked public key (kept so BouncyCastle's precomputation is reused)
 */
public record RegisteredKey(long installationId, String deviceId, DeviceKey key) {
}
