package io.wattwitness.verify.service;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.wattwitness.reading.DeviceKey;
import io.wattwitness.reading.ReadingFormatException;
import io.wattwitness.verify.config.VerifyConfig;
import io.wattwitness.verify.repository.InstallationKeyRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registered device keys by device id, parsed once into {@link DeviceKey} objects (BouncyCastle keeps its
 * precomputation on the key's point).
 * <p>
 * Invalidation: a device id that is not cached (or whose entry is older than the TTL, default 60 s) is read from
 * the database for every poll that needs it, so a newly registered device is accepted by the next poll without
 * a restart and unknown devices are never cached. Keys are never deleted and a key's device id is derived from
 * the key itself, so the only changes the TTL bounds are a key moved to another installation and a key retired
 * (rotated out): a reading after the retirement is refused as {@code key_retired} at the latest one TTL later.
 */
@ApplicationScoped
public class DeviceKeyCache {

    private record Entry(RegisteredKey key, long loadedAtNanos) {
    }

    private final InstallationKeyRepository repository;
    private final long ttlNanos;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    /**
     * @param repository registered keys
     * @param config the TTL
     */
    public DeviceKeyCache(InstallationKeyRepository repository, VerifyConfig config) {
        this.repository = repository;
        this.ttlNanos = config.keyCacheTtl().toNanos();
    }

    /**
     * @param deviceIds device ids (16 lowercase hex)
     * @return the registered key of each device id that has one
     */
    public Uni<Map<String, RegisteredKey>> lookup(Collection<String> deviceIds) {
        long now = System.nanoTime();
        Map<String, RegisteredKey> found = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String deviceId : deviceIds) {
            Entry entry = cache.get(deviceId);
            if (entry != null && now - entry.loadedAtNanos() < ttlNanos) {
                found.put(deviceId, entry.key());
            } else {
                missing.add(deviceId);
            }
        }
        if (missing.isEmpty()) {
            return Uni.createFrom().item(found);
        }
        return repository.findRegistered(missing).map(rows -> {
            for (String deviceId : missing) {
                cache.remove(deviceId);
            }
            for (InstallationKeyRepository.KeyRow row : rows) {
                parse(row).ifPresent(key -> {
                    cache.put(row.deviceId(), new Entry(key, now));
                    found.put(row.deviceId(), key);
                });
            }
            return found;
        });
    }

    /** Drops every cached key (they are re-read on next use). */
    public void invalidateAll() {
        cache.clear();
    }

    /**
     * @param row a registered key as stored
     * @return the parsed key, or empty (logged) when the stored key is not a valid P-256 point
     */
    static Optional<RegisteredKey> parse(InstallationKeyRepository.KeyRow row) {
        try {
            return Optional.of(new RegisteredKey(row.installationId(), row.deviceId(), DeviceKey.ofHex(row.publicKey()),
                    row.retiredAtMs()));
        } catch (ReadingFormatException e) {
            Log.errorf("registered key of device %s (installation %d) is unusable: %s", row.deviceId(),
                    row.installationId(), e.getMessage());
            return Optional.empty();
        }
    }
}
