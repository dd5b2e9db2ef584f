package io.wattwitness.query.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A solar installation and its current device key (table {@code installations}, V1__core.sql) with the attestation
 * of that key (V30__query_installation_attestation.sql; all attestation members null unless {@link #attested}).
 */
@Entity
@Table(name = "installations")
public class Installation {

    /** Row id. */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    /** Display name. */
    public String name;
    /** Meter MAC, 12 lowercase hex. */
    @Column(name = "shelly_mac")
    public String shellyMac;
    /** Current device key X‖Y, 128 lowercase hex. */
    @Column(name = "public_key")
    public String publicKey;
    /** First 8 bytes of SHA-256(key), 16 lowercase hex. */
    @Column(name = "device_id")
    public String deviceId;
    /** IANA zone. */
    public String timezone;
    /** Degrees north, or null. */
    public Double latitude;
    /** Degrees east, or null. */
    public Double longitude;
    /** Nameplate capacity in W, or null. */
    @Column(name = "capacity_w")
    public Double capacityW;
    /** Whether the installation is in service. */
    @Column(name = "is_active")
    public boolean active;
    /** Creation time. */
    @Column(name = "created_at")
    public Instant createdAt;
    /** Last change. */
    @Column(name = "updated_at")
    public Instant updatedAt;
    /** Whether a certificate chain attested the current key. */
    public boolean attested;
    /** Device certificate subject (RFC 4514), or null. */
    @Column(name = "attestation_device_subject")
    public String attestationDeviceSubject;
    /** Device certificate serial, lowercase hex, or null. */
    @Column(name = "attestation_device_serial")
    public String attestationDeviceSerial;
    /** Subject of the trust anchor the chain led to, or null. */
    @Column(name = "attestation_anchor_subject")
    public String attestationAnchorSubject;
    /** When the chain was checked, or null. */
    @Column(name = "attestation_checked_at")
    public Instant attestationCheckedAt;
}
