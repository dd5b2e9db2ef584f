package io.wattwitness.chainlistener.repository;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Row of chain_listener_blocks (schema V10): the hash of one processed range end. */
@Entity
@Table(name = "chain_listener_blocks")
public class CheckpointEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public String scope;
    public long blockNumber;
    public String blockHash;
}
