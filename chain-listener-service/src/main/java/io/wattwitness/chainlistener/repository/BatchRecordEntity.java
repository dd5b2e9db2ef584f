package io.wattwitness.chainlistener.repository;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** Row of chain_listener_batches (schema V10): one BatchAnchored event and its outcome. */
@Entity
@Table(name = "chain_listener_batches")
public class BatchRecordEntity {

    /** Outcome of the root comparison. */
    public enum Status {
        /** Roots equal; query-service marked the batch's readings on chain. */
        MARKED,
        /** The anchored root differs from the sealed batch's: tamper alarm, never marked. */
        ROOT_MISMATCH
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public String scope;
    public long batchId;
    public String onchainRoot;
    public String sealedRoot;
    public int readingCount;
    public long firstReadingTime;
    public long lastReadingTime;
    public String workflowId;
    public String txHash;
    public long blockNumber;
    public String blockHash;
    public int logIndex;
    @Enumerated(EnumType.STRING)
    public Status status;
    public Integer markedCount;
    public OffsetDateTime handledAt;
}
