package io.wattwitness.query.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One key an installation had or has (table {@code installation_keys}, V1__core.sql). */
@Entity
@Table(name = "installation_keys")
public class InstallationKey {

    /** Row id. */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    /** Owning installation. */
    @Column(name = "installation_id")
    public Long installationId;
    /** X‖Y, 128 lowercase hex. */
    @Column(name = "public_key")
    public String publicKey;
    /** Device id of the key, 16 lowercase hex. */
    @Column(name = "device_id")
    public String deviceId;
    /** When the key became valid. */
    @Column(name = "valid_from")
    public Instant validFrom;
    /** When the key was replaced, or null for the current key. */
    @Column(name = "retired_at")
    public Instant retiredAt;
}
