package io.wattwitness.chainlistener.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Checkpoints (processed range ends) per scope. */
@ApplicationScoped
public class CheckpointRepository implements PanacheRepository<CheckpointEntity> {

    /** All checkpoints of a scope, newest first. */
    public List<CheckpointEntity> listByScope(String scope) {
        return list("scope", Sort.descending("blockNumber"), scope);
    }

    /** The checkpoint of a scope at a block number, null when there is none. */
    public CheckpointEntity findAt(String scope, long blockNumber) {
        return find("scope = ?1 and blockNumber = ?2", scope, blockNumber).firstResult();
    }

    /** Deletes the checkpoints above a block number. */
    public long deleteAbove(String scope, long blockNumber) {
        return delete("scope = ?1 and blockNumber > ?2", scope, blockNumber);
    }

    /** Deletes all but the newest {@code keep} checkpoints of a scope. */
    public long prune(String scope, int keep) {
        CheckpointEntity oldestKept = find("scope", Sort.descending("blockNumber"), scope)
                .page(keep - 1, 1)
                .firstResult();
        return oldestKept == null ? 0 : delete("scope = ?1 and blockNumber < ?2", scope, oldestKept.blockNumber);
    }

    /** Deletes every checkpoint of a scope. */
    public long deleteScope(String scope) {
        return delete("scope", scope);
    }
}
