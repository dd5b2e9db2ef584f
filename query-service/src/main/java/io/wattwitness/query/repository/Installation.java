package io.wattwitness.query.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A solar installation and its current device key (table {@code installations}, V1__core.sql). */
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
}
