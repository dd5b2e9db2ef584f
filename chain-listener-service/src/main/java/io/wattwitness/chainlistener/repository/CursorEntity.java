package io.wattwitness.chainlistener.repository;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** Row of chain_listener_cursors (schema V10): the listener's position for one scope. */
@Entity
@Table(name = "chain_listener_cursors")
public class CursorEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public String scope;
    public long chainId;
    public String contractAddress;
    public String genesisHash;
    /** Last processed block; start block - 1 before the first range. */
    public long blockNumber;
    /** Its hash, null only for block -1. */
    public String blockHash;
    public OffsetDateTime updatedAt;
}
