package io.wattwitness.chainlistener.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** BatchAnchored outcomes per scope. */
@ApplicationScoped
public class BatchRecordRepository implements PanacheRepository<BatchRecordEntity> {

    /** The record of a batch id in a scope, null when the batch was not handled yet. */
    public BatchRecordEntity findBatch(String scope, long batchId) {
        return find("scope = ?1 and batchId = ?2", scope, batchId).firstResult();
    }

    /** Newest records first. */
    public List<BatchRecordEntity> recent(String scope, int limit) {
        return find("scope", Sort.descending("batchId"), scope).page(0, limit).list();
    }

    /** Number of batches of a scope in a state. */
    public long countByStatus(String scope, BatchRecordEntity.Status status) {
        return count("scope = ?1 and status = ?2", scope, status);
    }

    /** Batch ids of the records above a block number (to be handled again after a reorganisation). */
    public List<BatchRecordEntity> above(String scope, long blockNumber) {
        return list("scope = ?1 and blockNumber > ?2", Sort.ascending("batchId"), scope, blockNumber);
    }

    /** Deletes the records above a block number. */
    public long deleteAbove(String scope, long blockNumber) {
        return delete("scope = ?1 and blockNumber > ?2", scope, blockNumber);
    }

    /** Deletes every record of a scope. */
    public long deleteScope(String scope) {
        return delete("scope", scope);
    }
}
