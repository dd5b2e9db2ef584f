package io.wattwitness.verify.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** A row of {@code readings} (V1__core.sql): a reading signed by a registered key. Written with native SQL. */
@Entity
@Table(name = "readings")
public class Reading {

    /** Row id. */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    /** Installation owning the key. */
    @Column(name = "installation_id")
    public long installationId;
    /** Device id, 16 lowercase hex. */
    @Column(name = "device_id")
    public String deviceId;
    /** Meter MAC, 12 lowercase hex. */
    @Column(name = "meter_id")
    public String meterId;
    /** Boot counter. */
    public long boot;
    /** Sequence number within the boot. */
    public long seq;
    /** Reading time, Unix ms. */
    @Column(name = "timestamp_ms")
    public long timestampMs;
    /** Active power, mW. */
    @Column(name = "power_mw")
    public long powerMw;
    /** Energy register, mWh. */
    @Column(name = "energy_mwh")
    public long energyMwh;
    /** Message flags. */
    public int flags;
    /** The 52 signed bytes. */
    public byte[] message;
    /** Low-S signature r||s, 64 bytes. */
    public byte[] signature;
    /** verified, disputed or anomaly. */
    public String status;
    /** Signature checked under a registered key. */
    @Column(name = "is_verified")
    public boolean isVerified;
    /** Null, or the anomaly or dispute code. */
    @Column(name = "verification_error")
    public String verificationError;
    /** Receive time. */
    @Column(name = "received_at")
    public OffsetDateTime receivedAt;
    /** Verification time. */
    @Column(name = "verified_at")
    public OffsetDateTime verifiedAt;
}
