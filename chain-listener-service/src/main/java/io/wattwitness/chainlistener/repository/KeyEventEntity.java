package io.wattwitness.chainlistener.repository;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** Row of chain_listener_key_events (schema V10): an InstallationRegistered or DeviceKeyRotated event. */
@Entity
@Table(name = "chain_listener_key_events")
public class KeyEventEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public String scope;
    @Enumerated(EnumType.STRING)
    public KeyEventKind kind;
    public long installationId;
    public String deviceId;
    public String previousDeviceId;
    public String meterId;
    public String publicKey;
    public String txHash;
    public long blockNumber;
    public String blockHash;
    public int logIndex;
    public OffsetDateTime recordedAt;
}
