package io.wattwitness.chainlistener.repository;

/**
 * The two installation key events of the {@code WattWitnessAnchor} contract, stored by name in
 * {@code chain_listener_key_events.kind} (schema V10).
 */
public enum KeyEventKind {
    /** {@code InstallationRegistered}: an installation's first device key. */
    INSTALLATION_REGISTERED,
    /** {@code DeviceKeyRotated}: a new device key replaces the previous one. */
    DEVICE_KEY_ROTATED
}
