package io.wattwitness.query.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Key history of installations (Panache). */
@ApplicationScoped
public class InstallationKeyRepository implements PanacheRepository<InstallationKey> {

    /**
     * @param installationId installation
     * @return its keys, oldest first
     */
    public Uni<List<InstallationKey>> forInstallation(long installationId) {
        return list("installationId = ?1 order by id", installationId);
    }

    /**
     * @param installationIds installations
     * @return their keys, oldest first
     */
    public Uni<List<InstallationKey>> forInstallations(List<Long> installationIds) {
        return list("installationId in ?1 order by id", installationIds);
    }

    /**
     * @param deviceId 16 lowercase hex
     * @return the key with that device id, or null
     */
    public Uni<InstallationKey> findByDeviceId(String deviceId) {
        return find("deviceId", deviceId).firstResult();
    }
}
