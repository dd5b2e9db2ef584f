package io.wattwitness.verify.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A row of {@code devices}: per-device replay state (highest boot stored). */
@Entity
@Table(name = "devices")
public class DeviceState {

    /** Device id, 16 lowercase hex. */
    @Id
    @Column(name = "device_id")
    public String deviceId;
    /** Installation owning the device key. */
    @Column(name = "installation_id")
    public Long installationId;
    /** Highest boot counter stored. */
    @Column(name = "highest_boot")
    public long highestBoot;
}
