package io.wattwitness.query.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A stored signed reading (table {@code readings}, written by verify-service; V1__core.sql). */
@Entity
@Table(name = "readings")
public class Reading {

    /** Row id (assigned by verify-service). */
    @Id
    public Long id;
    /** Installation. */
    @Column(name = "installation_id")
    public Long installationId;
    /** Device id, 16 hex. */
    @Column(name = "device_id")
    public String deviceId;
    /** Boot counter. */
    public long boot;
    /** Sequence within the boot. */
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
    /** Active power, W. */
    @Column(name = "power_w")
    public double powerW;
    /** Energy register, Wh. */
    @Column(name = "total_wh")
    public double totalWh;
    /** Message flags. */
    public int flags;
    /** The 52 signed bytes. */
    public byte[] message;
    /** Low-S r‖s, 64 bytes. */
    public byte[] signature;
    /** verified | disputed | anomaly. */
    public String status;
    /** Whether the signature verified. */
    @Column(name = "is_verified")
    public boolean verified;
    /** Anomaly or dispute reason. */
    @Column(name = "verification_error")
    public String verificationError;
    /**
     * Older than verify-service's age limit when received, and stored because it continues its device's sequence
     * (reading-format SPEC.md §8); column owned by verify-service.
     */
    public boolean late;
    /**
     * What the energy booking made of the register: null (ordinary), {@code glitch}, {@code held} or
     * {@code excess} (query-service README, Energy); column owned by query-service.
     */
    @Column(name = "register_state")
    public String registerState;
    /** When it was received. */
    @Column(name = "received_at")
    public Instant receivedAt;
    /** When it was stored. */
    @Column(name = "created_at")
    public Instant createdAt;
    /** Sealed batch, or null. */
    @Column(name = "batch_id")
    public Long batchId;
    /** Whether anchored on chain. */
    @Column(name = "is_on_chain")
    public boolean onChain;
    /** Anchoring transaction. */
    @Column(name = "blockchain_tx_hash")
    public String blockchainTxHash;
    /** Anchoring block. */
    @Column(name = "blockchain_block_number")
    public Long blockchainBlockNumber;
}
