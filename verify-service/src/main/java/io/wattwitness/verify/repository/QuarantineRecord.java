package io.wattwitness.verify.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** A row of {@code quarantine}: an envelope that could not be accepted, with its reason and raw bytes. */
@Entity
@Table(name = "quarantine")
public class QuarantineRecord {

    /** Row id. */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    /** Receive time. */
    @Column(name = "received_at")
    public OffsetDateTime receivedAt;
    /** mqtt, http or unknown. */
    public String source;
    /** ingest or verify. */
    public String stage;
    /** Machine-readable reason. */
    public String reason;
    /** Human-readable detail. */
    public String detail;
    /** MQTT topic, when known. */
    public String topic;
    /** Claimed device id. */
    @Column(name = "device_id")
    public String deviceId;
    /** Installation, when the key was found. */
    @Column(name = "installation_id")
    public Long installationId;
    /** Boot counter, when decoded. */
    public Long boot;
    /** Sequence number, when decoded. */
    public Long seq;
    /** The envelope exactly as received. */
    public byte[] raw;
    /** SHA-256 of raw, lowercase hex. */
    @Column(name = "raw_sha256")
    public String rawSha256;
    /** SHA-256 identity of the rejection event (idempotent storage), lowercase hex. */
    @Column(name = "event_key")
    public String eventKey;
}
