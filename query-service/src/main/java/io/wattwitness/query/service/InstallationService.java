package io.wattwitness.query.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.wattwitness.query.repository.Installation;
import io.wattwitness.query.repository.InstallationKey;
import io.wattwitness.query.repository.InstallationKeyRepository;
import io.wattwitness.query.repository.InstallationRepository;
import io.wattwitness.query.rest.model.AttestationView;
import io.wattwitness.query.rest.model.InstallationRequest;
import io.wattwitness.query.rest.model.InstallationView;
import io.wattwitness.query.rest.model.KeyView;
import io.wattwitness.query.service.attestation.AttestationVerdict;
import io.wattwitness.reading.DeviceKey;
import io.wattwitness.reading.Hex;
import io.wattwitness.reading.ReadingFormatException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Installations: registration, update by meter MAC, key rotation with history, attestation of the current key.
 * <p>
 * Attestation ({@link AttestationService}): a body with {@code certificates} is checked before anything is stored
 * and, when the chain verifies, the installation is stored attested for the key of the body. A key rotation without
 * {@code certificates} clears the attestation (it was for the retired key); an update that keeps the key and sends
 * no certificates keeps it.
 */
@ApplicationScoped
public class InstallationService {

    private final InstallationRepository installations;
    private final InstallationKeyRepository keys;
    private final AttestationService attestation;

    /**
     * @param installations installation rows
     * @param keys key history rows
     * @param attestation certificate chain checks
     */
    public InstallationService(InstallationRepository installations, InstallationKeyRepository keys,
            AttestationService attestation) {
        this.installations = installations;
        this.keys = keys;
        this.attestation = attestation;
    }

    /**
     * Outcome of a registration.
     *
     * @param installation the stored installation
     * @param created true when new (201), false when updated (200)
     */
    public record Upserted(InstallationView installation, boolean created) {
    }

    /** @return every installation, by id */
    @WithSession
    public Uni<List<InstallationView>> list() {
        return installations.listInOrder().chain(all -> {
            if (all.isEmpty()) {
                return Uni.createFrom().item(List.<InstallationView>of());
            }
            List<Long> ids = all.stream().map(installation -> installation.id).toList();
            return keys.forInstallations(ids).map(found -> {
                Map<Long, List<InstallationKey>> byInstallation = found.stream()
                        .collect(Collectors.groupingBy(key -> key.installationId));
                return all.stream().map(installation -> view(installation,
                        byInstallation.getOrDefault(installation.id, List.of()))).toList();
            });
        });
    }

    /**
     * @param id installation id
     * @return the installation; fails with {@link NotFoundException} when unknown
     */
    @WithSession
    public Uni<InstallationView> get(long id) {
        return require(id).chain(installation -> keys.forInstallation(installation.id)
                .map(history -> view(installation, history)));
    }

    /**
     * Loads an installation; to be called inside a session.
     *
     * @param id installation id
     * @return the row; fails with {@link NotFoundException} when unknown
     */
    public Uni<Installation> require(long id) {
        return installations.findById(id).onItem().ifNull()
                .failWith(() -> new NotFoundException("installation " + id + " does not exist"));
    }

    /**
     * Creates an installation or updates the one with the same {@code shelly_mac}. A different key is refused
     * unless {@code rotate_key} is true; the old key is then retired and kept in the history. With
     * {@code certificates}, the chain must attest the body's key (checked before any database access).
     *
     * @param request the body
     * @return the stored installation and whether it was created; fails with {@link InvalidArgumentException} (invalid member,
     *         malformed certificate), {@link ConflictException} (key conflict), {@link RefusedException}
     *         ({@code attestation_failed}, {@code attestation_disabled})
     */
    @WithTransaction
    public Uni<Upserted> upsert(InstallationRequest request) {
        Valid valid = validate(request);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        AttestationVerdict verdict = attestation.check(request.certificates(), valid.key(), now);
        return installations.findByMac(valid.mac()).chain(existing -> {
            if (existing == null) {
                return keys.findByDeviceId(valid.key().deviceIdHex()).chain(used -> {
                    if (used != null) {
                        throw new ConflictException("public_key",
                                "this key is already registered to installation " + used.installationId);
                    }
                    Installation created = new Installation();
                    apply(created, request, valid, now);
                    created.publicKey = valid.key().hex();
                    created.deviceId = valid.key().deviceIdHex();
                    created.active = true;
                    created.createdAt = now;
                    attest(created, verdict);
                    return installations.persistAndFlush(created)
                            .chain(() -> keys.persistAndFlush(newKey(created.id, valid.key(), now)))
                            .chain(() -> keys.forInstallation(created.id))
                            .map(history -> {
                                Log.infof("installation %d registered for meter %s, device %s, %s", created.id,
                                        valid.mac(), created.deviceId, verdict == null ? "not attested"
                                                : "attested by " + verdict.anchorSubject());
                                return new Upserted(view(created, history), true);
                            });
                });
            }
            apply(existing, request, valid, now);
            Uni<Void> keyChange = Uni.createFrom().voidItem();
            if (!existing.publicKey.trim().equals(valid.key().hex())) {
                if (!Boolean.TRUE.equals(request.rotateKey())) {
                    throw new ConflictException("public_key",
                            "installation " + existing.id + " has another key; send rotate_key: true to replace it");
                }
                keyChange = rotate(existing, valid.key(), now);
                if (verdict == null && existing.attested) {
                    Log.infof("installation %d: attestation cleared, it was for the retired key", existing.id);
                    attest(existing, null);
                }
            }
            if (verdict != null) {
                Log.infof("installation %d: device %s attested by %s", existing.id, valid.key().deviceIdHex(),
                        verdict.anchorSubject());
                attest(existing, verdict);
            }
            return keyChange.chain(() -> installations.persistAndFlush(existing))
                    .chain(() -> keys.forInstallation(existing.id))
                    .map(history -> new Upserted(view(existing, history), false));
        });
    }

    private Uni<Void> rotate(Installation installation, DeviceKey key, Instant now) {
        return keys.findByDeviceId(key.deviceIdHex()).chain(used -> {
            if (used != null) {
                throw new ConflictException("public_key", "this key was already used by installation "
                        + used.installationId + " and cannot be registered again");
            }
            return keys.update("retiredAt = ?1 where installationId = ?2 and retiredAt is null", now, installation.id)
                    .chain(() -> keys.persistAndFlush(newKey(installation.id, key, now)))
                    .invoke(() -> {
                        Log.infof("installation %d rotated its key from device %s to %s", installation.id,
                                installation.deviceId, key.deviceIdHex());
                        installation.publicKey = key.hex();
                        installation.deviceId = key.deviceIdHex();
                    })
                    .replaceWithVoid();
        });
    }

    /** Stores a verdict on the row, or clears the attestation when {@code verdict} is null. */
    private static void attest(Installation installation, AttestationVerdict verdict) {
        installation.attested = verdict != null;
        installation.attestationDeviceSubject = verdict == null ? null : verdict.deviceSubject();
        installation.attestationDeviceSerial = verdict == null ? null : verdict.serial();
        installation.attestationAnchorSubject = verdict == null ? null : verdict.anchorSubject();
        installation.attestationCheckedAt = verdict == null ? null : verdict.checkedAt();
    }

    private static InstallationKey newKey(long installationId, DeviceKey key, Instant now) {
        InstallationKey row = new InstallationKey();
        row.installationId = installationId;
        row.publicKey = key.hex();
        row.deviceId = key.deviceIdHex();
        row.validFrom = now;
        return row;
    }

    private static void apply(Installation installation, InstallationRequest request, Valid valid, Instant now) {
        installation.name = request.name().trim();
        installation.shellyMac = valid.mac();
        installation.timezone = valid.zone().getId();
        installation.latitude = request.latitude();
        installation.longitude = request.longitude();
        installation.capacityW = request.capacityW();
        installation.updatedAt = now;
    }

    private record Valid(String mac, DeviceKey key, ZoneId zone) {
    }

    private static Valid validate(InstallationRequest request) {
        if (request == null) {
            throw new InvalidArgumentException("body", "a JSON object is required");
        }
        if (request.name() == null || request.name().isBlank() || request.name().length() > 200) {
            throw new InvalidArgumentException("name", "is required (1 to 200 characters)");
        }
        String mac = request.shellyMac() == null ? "" : request.shellyMac().trim().toLowerCase(Locale.ROOT);
        if (!Hex.isHex(mac, 12)) {
            throw new InvalidArgumentException("shelly_mac", "must be 12 hex characters");
        }
        DeviceKey key;
        try {
            key = DeviceKey.ofHex(request.publicKey() == null ? "" : request.publicKey().trim());
        } catch (ReadingFormatException e) {
            throw new InvalidArgumentException("public_key", "must be 128 hex characters X||Y of a point on P-256 ("
                    + e.getMessage() + ")");
        }
        ZoneId zone = request.timezone() == null || request.timezone().isBlank() ? ZoneId.of("UTC")
                : TimeZones.parse(request.timezone()).orElseThrow(
                        () -> new InvalidArgumentException("timezone", TimeZones.reason(request.timezone())));
        if (request.latitude() != null && !(request.latitude() >= -90 && request.latitude() <= 90)) {
            throw new InvalidArgumentException("latitude", "must be between -90 and 90");
        }
        if (request.longitude() != null && !(request.longitude() >= -180 && request.longitude() <= 180)) {
            throw new InvalidArgumentException("longitude", "must be between -180 and 180");
        }
        if (request.capacityW() != null && !(request.capacityW() >= 0 && request.capacityW() < 1e12)) {
            throw new InvalidArgumentException("capacity_w", "must be a non-negative number of watts");
        }
        return new Valid(mac, key, zone);
    }

    /**
     * @param installation row
     * @param history its keys
     * @return the API view
     */
    static InstallationView view(Installation installation, List<InstallationKey> history) {
        List<KeyView> keyViews = new ArrayList<>();
        for (InstallationKey key : history) {
            keyViews.add(new KeyView(key.publicKey.trim(), key.deviceId.trim(), key.validFrom, key.retiredAt));
        }
        String deviceId = installation.deviceId.trim();
        return new InstallationView(installation.id, installation.name, installation.shellyMac.trim(),
                installation.publicKey.trim(), deviceId, installation.timezone, installation.latitude,
                installation.longitude, installation.capacityW, installation.createdAt, installation.updatedAt,
                installation.active, deviceId, keyViews, attestationView(installation));
    }

    private static AttestationView attestationView(Installation installation) {
        if (!installation.attested) {
            return AttestationView.NONE;
        }
        return new AttestationView(true, installation.attestationDeviceSubject, installation.attestationDeviceSerial,
                installation.attestationAnchorSubject, installation.attestationCheckedAt);
    }
}
