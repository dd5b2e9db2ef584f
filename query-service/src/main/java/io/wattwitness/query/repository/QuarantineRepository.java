package io.wattwitness.query.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Quarantined inputs (Panache, read-only here; verify-service writes them). */
@ApplicationScoped
public class QuarantineRepository implements PanacheRepository<QuarantineEntry> {

    /**
     * @param installationId installation
     * @param deviceIds every device id the installation ever had
     * @param limit page size
     * @return the newest entries for the installation or its devices
     */
    public Uni<List<QuarantineEntry>> forInstallation(long installationId, List<String> deviceIds, int limit) {
        return find("installationId = ?1 or deviceId in ?2 order by receivedAt desc, id desc", installationId, deviceIds)
                .range(0, limit - 1).list();
    }
}
