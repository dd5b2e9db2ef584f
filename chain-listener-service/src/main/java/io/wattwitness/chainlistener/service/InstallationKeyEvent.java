package io.wattwitness.chainlistener.service;

import io.wattwitness.chainlistener.repository.KeyEventKind;

/**
 * {@code InstallationRegistered(uint64 indexed installationId, bytes8 indexed deviceId, bytes6 meterId, bytes32 x,
 * bytes32 y)} or {@code DeviceKeyRotated(uint64 indexed installationId, bytes8 indexed previousDeviceId,
 * bytes8 indexed deviceId, bytes6 meterId, bytes32 x, bytes32 y)}.
 *
 * @param kind             which of the two events
 * @param installationId   installation id (query-service {@code id})
 * @param deviceId         device id of the (new) key, 16 lowercase hex, no prefix
 * @param previousDeviceId retired device id (rotations), else null
 * @param meterId          Shelly MAC, 12 lowercase hex
 * @param publicKey        P-256 key X || Y, 128 lowercase hex
 * @param position         where it was emitted
 */
public record InstallationKeyEvent(KeyEventKind kind, long installationId, String deviceId, String previousDeviceId,
        String meterId, String publicKey, EventPosition position) implements AnchorEvent {
}
