package io.wattwitness.verifier.service;

/**
 * A device key as the anchoring contract's registry holds it ({@code WattWitnessAnchor.DeviceKey}).
 *
 * @param publicKey raw P-256 X||Y, 64 bytes
 * @param installationId the installation the key belongs to (> 0)
 * @param registeredAt block time of registration, Unix s
 * @param retiredAt block time of retirement by a key rotation, Unix s; 0 while the key is current
 */
public record RegisteredKey(byte[] publicKey, long installationId, long registeredAt, long retiredAt) {
}
