package io.wattwitness.chainlistener.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Installation key events per scope. */
@ApplicationScoped
public class KeyEventRepository implements PanacheRepository<KeyEventEntity> {

    /** The event at a log position, null when not recorded. */
    public KeyEventEntity findAt(String scope, long blockNumber, int logIndex) {
        return find("scope = ?1 and blockNumber = ?2 and logIndex = ?3", scope, blockNumber, logIndex)
                .firstResult();
    }

    /** Events of a scope in chain order, optionally of one installation. */
    public List<KeyEventEntity> listByScope(String scope, Long installationId, int limit) {
        Sort order = Sort.ascending("blockNumber", "logIndex");
        if (installationId == null) {
            return find("scope", order, scope).page(0, limit).list();
        }
        return find("scope = ?1 and installationId = ?2", order, scope, installationId).page(0, limit).list();
    }

    /** Deletes the events above a block number. */
    public long deleteAbove(String scope, long blockNumber) {
        return delete("scope = ?1 and blockNumber > ?2", scope, blockNumber);
    }

    /** Deletes every event of a scope. */
    public long deleteScope(String scope) {
        return delete("scope", scope);
    }
}
