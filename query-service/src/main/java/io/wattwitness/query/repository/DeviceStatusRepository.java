package io.wattwitness.query.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Device connection states (Panache), written by query-service from {@code devices.status}. */
@ApplicationScoped
public class DeviceStatusRepository implements PanacheRepositoryBase<DeviceStatus, String> {

    /**
     * @param deviceIds device ids
     * @return their states, most recently changed first
     */
    public Uni<List<DeviceStatus>> latestFirst(List<String> deviceIds) {
        return list("deviceId in ?1 order by changedAt desc", deviceIds);
    }
}
