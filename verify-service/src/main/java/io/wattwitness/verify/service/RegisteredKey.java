package io.wattwitness.verify.service;

import io.wattwitness.reading.DeviceKey;

/**
 * A device key registered to an installation ({@code installation_keys}, or an installation's current key).
 *
 * @param installationId the installation that owns the key
 * @param deviceId the registered device id, 16 lowercase hex (normally {@code key.deviceIdHex()})
 * @param key the parsed, curve-checked public key (kept so BouncyCastle's precomputation is reused)
 * @param retiredAtMs when the key was replaced (Unix ms, {@code installation_keys.retired_at}), or null while it is
 *        current; a retired key verifies only readings whose time is at or before this instant
 */
public record RegisteredKey(long installationId, String deviceId, DeviceKey key, Long retiredAtMs) {

    /**
     * A current (not retired) key.
     *
     * @param installationId the installation that owns the key
     * @param deviceId the registered device id
     * @param key the parsed public key
     */
    public RegisteredKey(long installationId, String deviceId, DeviceKey key) {
        this(installationId, deviceId, key, null);
    }

    /**
     * @param timestampMs a reading time, Unix ms
     * @return whether the key had been retired before that time
     */
    public boolean retiredBefore(long timestampMs) {
        return retiredAtMs != null && timestampMs > retiredAtMs;
    }
}
