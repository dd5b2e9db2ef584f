package io.wattwitness.chainlistener.repository;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import jakarta.enterprise.context.ApplicationScoped;

/** Cursor rows, one per scope. */
@ApplicationScoped
public class CursorRepository implements PanacheRepository<CursorEntity> {

    /** The cursor of a scope, null when the scope was never started. */
    public CursorEntity findByScope(String scope) {
        return find("scope", scope).firstResult();
    }
}
