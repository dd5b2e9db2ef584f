package io.wattwitness.query.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** Device connection state from MQTT birth / last-will messages (table {@code device_status}, V1__core.sql). */
@Entity
@Table(name = "device_status")
public class DeviceStatus {

    /** Device id, 16 hex. */
    @Id
    @Column(name = "device_id")
    public String deviceId;
    /** online | offline. */
    public String state;
    /** Boot counter announced, or null. */
    public Long boot;
    /** The original status payload. */
    public String payload;
    /** When the state was reported (ingest receive time). */
    @Column(name = "changed_at")
    public Instant changedAt;
    /** When the row was written. */
    @Column(name = "updated_at")
    public Instant updatedAt;
}
