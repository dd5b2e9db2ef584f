package io.wattwitness.query.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** Something that could not be accepted, with its reason (table {@code quarantine}, V1__core.sql). */
@Entity
@Table(name = "quarantine")
public class QuarantineEntry {

    /** Row id. */
    @Id
    public Long id;
    /** When it was received. */
    @Column(name = "received_at")
    public Instant receivedAt;
    /** Machine-readable reason. */
    public String reason;
    /** Human-readable detail. */
    public String detail;
    /** Device id if known. */
    @Column(name = "device_id")
    public String deviceId;
    /** Installation if known. */
    @Column(name = "installation_id")
    public Long installationId;
    /** Boot if known. */
    public Long boot;
    /** Seq if known. */
    public Long seq;
    /** The envelope exactly as received. */
    public byte[] raw;
}
