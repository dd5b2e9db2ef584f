package io.wattwitness.verify.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** A row of {@code reading_conflicts}: a second, different, validly signed message for a stored identity. */
@Entity
@Table(name = "reading_conflicts")
public class ReadingConflict {

    /** Row id. */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    /** The stored reading with the same identity. */
    @Column(name = "reading_id")
    public long readingId;
    /** The conflicting 52-byte message. */
    public byte[] message;
    /** Its low-S signature. */
    public byte[] signature;
    /** Receive time of the conflicting message. */
    @Column(name = "received_at")
    public OffsetDateTime receivedAt;
}
