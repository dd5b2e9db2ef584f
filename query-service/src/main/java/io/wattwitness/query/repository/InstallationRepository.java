package io.wattwitness.query.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Installations (Panache, Hibernate Reactive). */
@ApplicationScoped
public class InstallationRepository implements PanacheRepository<Installation> {

    /**
     * @param mac 12 lowercase hex
     * @return the installation with that meter, or null
     */
    public Uni<Installation> findByMac(String mac) {
        return find("shellyMac", mac).firstResult();
    }

    /** @return every installation by id */
    public Uni<List<Installation>> listInOrder() {
        return list("order by id");
    }

    /**
     * The installation a device id belongs to, through its current or any retired key.
     *
     * @param deviceId 16 lowercase hex
     * @return the installation, or null
     */
    public Uni<Installation> findByDeviceId(String deviceId) {
        return find("deviceId = ?1 or id in (select k.installationId from InstallationKey k where k.deviceId = ?1)",
                deviceId).firstResult();
    }
}
