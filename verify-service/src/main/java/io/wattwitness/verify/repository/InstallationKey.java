package io.wattwitness.verify.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** A row of {@code installation_keys}: a key an installation has, or had (retired keys still verify). */
@Entity
@Table(name = "installation_keys")
public class InstallationKey {

    /** Row id. */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    /** Owning installation. */
    @Column(name = "installation_id")
    public long installationId;
    /** X||Y, 128 lowercase hex. */
    @Column(name = "public_key")
    public String publicKey;
    /** Device id derived from the key, 16 lowercase hex. */
    @Column(name = "device_id")
    public String deviceId;
    /** Since when the key is valid. */
    @Column(name = "valid_from")
    public OffsetDateTime validFrom;
    /** When the key was retired, or null. */
    @Column(name = "retired_at")
    public OffsetDateTime retiredAt;
}
