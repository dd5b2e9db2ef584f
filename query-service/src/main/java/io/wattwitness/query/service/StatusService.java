package io.wattwitness.query.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.wattwitness.query.config.QueryConfig;
import io.wattwitness.query.repository.BatchRepository;
import io.wattwitness.query.repository.BatchRepository.BatchRow;
import io.wattwitness.query.repository.DeviceStatus;
import io.wattwitness.query.repository.DeviceStatusRepository;
import io.wattwitness.query.repository.Installation;
import io.wattwitness.query.repository.InstallationKeyRepository;
import io.wattwitness.query.repository.InstallationRepository;
import io.wattwitness.query.repository.Reading;
import io.wattwitness.query.repository.ReadingRepository;
import io.wattwitness.query.rest.model.Anchoring;
import io.wattwitness.query.rest.model.Connection;
import io.wattwitness.query.rest.model.Liveness;
import io.wattwitness.query.rest.model.StatusView;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Device and anchoring status: connection from MQTT birth / last-will messages
 * ({@code devices.status}, persisted here in {@code device_status}), liveness from the newest reading in the signed
 * (boot, seq) sequence, anchoring freshness from the last anchored batch.
 */
@ApplicationScoped
public class StatusService {

    private final InstallationService installationService;
    private final InstallationRepository installations;
    private final InstallationKeyRepository keys;
    private final ReadingRepository readings;
    private final DeviceStatusRepository statuses;
    private final BatchRepository batches;
    private final QueryConfig.Status thresholds;
    private final Duration expectedInterval;
    private final ObjectMapper mapper;

    /**
     * @param installationService installation lookup
     * @param installations installation rows
     * @param keys key history
     * @param readings reading rows
     * @param statuses device connection rows
     * @param batches batch rows
     * @param config thresholds
     * @param mapper JSON
     */
    public StatusService(InstallationService installationService, InstallationRepository installations,
            InstallationKeyRepository keys, ReadingRepository readings, DeviceStatusRepository statuses,
            BatchRepository batches, QueryConfig config, ObjectMapper mapper) {
        this.installationService = installationService;
        this.installations = installations;
        this.keys = keys;
        this.readings = readings;
        this.statuses = statuses;
        this.batches = batches;
        this.thresholds = config.status();
        this.expectedInterval = config.energy().expectedInterval();
        this.mapper = mapper;
    }

    /**
     * A {@code devices.status} record.
     *
     * @param deviceId 16 hex
     * @param state online | offline
     * @param boot announced boot or null
     * @param payload original MQTT payload
     * @param receivedAtMs ingest receive time, Unix ms
     */
    public record DeviceStatusEvent(String deviceId, String state, Long boot, String payload, long receivedAtMs) {
    }

    /**
     * @param installationId installation id
     * @return the status; fails with {@link NotFoundException} when the installation is unknown
     */
    @WithSession
    public Uni<StatusView> status(long installationId) {
        return installationService.require(installationId).chain(this::statusOf);
    }

    /**
     * @param installationId an installation id
     * @return its status as JSON, for live updates
     */
    @WithSession
    public Uni<String> statusJson(long installationId) {
        return installations.findById(installationId).chain(this::statusOf).map(view -> {
            try {
                return mapper.writeValueAsString(view);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("status view is always serialisable", e);
            }
        });
    }

    /**
     * Stores a connection state unless a newer one is already stored.
     *
     * @param event the record
     * @return the installation of the device, if registered
     */
    @WithTransaction
    public Uni<Optional<Long>> applyDeviceStatus(DeviceStatusEvent event) {
        Instant changedAt = Instant.ofEpochMilli(event.receivedAtMs());
        return statuses.findById(event.deviceId()).chain(existing -> {
            if (existing != null && existing.changedAt.isAfter(changedAt)) {
                Log.debugf("device %s: ignoring status %s older than the stored one", event.deviceId(), event.state());
                return Uni.createFrom().voidItem();
            }
            DeviceStatus row = existing != null ? existing : new DeviceStatus();
            row.deviceId = event.deviceId();
            row.state = event.state();
            row.boot = event.boot();
            row.payload = event.payload();
            row.changedAt = changedAt;
            row.updatedAt = Instant.now();
            return statuses.persist(row).replaceWithVoid();
        }).chain(() -> installations.findByDeviceId(event.deviceId()))
                .map(installation -> Optional.ofNullable(installation == null ? null : installation.id));
    }

    /**
     * @param installation an installation (inside a session)
     * @return its status
     */
    public Uni<StatusView> statusOf(Installation installation) {
        Instant now = Instant.now();
        String deviceId = installation.deviceId.trim();
        return keys.forInstallation(installation.id).chain(history -> {
            List<String> deviceIds = new ArrayList<>();
            deviceIds.add(deviceId);
            history.forEach(key -> deviceIds.add(key.deviceId.trim()));
            return statuses.latestFirst(deviceIds);
        }).chain(connections -> readings.latestInSequence(deviceId)
                .chain(inSequence -> batches.latestAnchoredFor(installation.id)
                        .map(anchored -> compose(installation.id, connections, inSequence, anchored, now))));
    }

    private StatusView compose(long installationId, List<DeviceStatus> connections, Reading newest,
            Optional<BatchRow> anchored, Instant now) {
        List<String> problems = new ArrayList<>();
        Connection connection = connections.isEmpty() ? new Connection("unknown", null, null)
                : new Connection(connections.get(0).state, connections.get(0).changedAt, connections.get(0).boot);
        if ("offline".equals(connection.state())) {
            problems.add("device is offline (MQTT last will) since " + connection.since());
        }
        Liveness liveness;
        if (newest == null) {
            liveness = new Liveness("unknown", null, null, expectedInterval.toSeconds());
            problems.add("no readings received yet");
        } else {
            long ageMs = Math.max(0, now.toEpochMilli() - newest.timestampMs);
            String state = ageMs <= thresholds.staleAfter().toMillis() ? "live"
                    : ageMs <= thresholds.deadAfter().toMillis() ? "stale" : "dead";
            if (!"live".equals(state)) {
                problems.add("newest signed reading is " + ageMs / 1000 + " s old (" + state + ")");
            }
            liveness = new Liveness(state, Math.floorDiv(newest.timestampMs, 1000L), ageMs / 1000,
                    expectedInterval.toSeconds());
        }
        Anchoring anchoring;
        if (anchored.isEmpty()) {
            anchoring = new Anchoring("none", null, null, null, null, null);
        } else {
            BatchRow batch = anchored.get();
            long ageS = Math.max(0, Duration.between(batch.anchoredAt(), now).toSeconds());
            String state = ageS <= thresholds.anchoringStaleAfter().toSeconds() ? "fresh" : "stale";
            if ("stale".equals(state)) {
                problems.add("last anchored batch " + batch.id() + " is " + ageS + " s old");
            }
            anchoring = new Anchoring(state, batch.id(), batch.anchoredAt(), ageS, batch.txHash(), batch.blockNumber());
        }
        String overall = "dead".equals(liveness.state()) ? "down" : problems.isEmpty() ? "ok" : "degraded";
        return new StatusView(installationId, overall, problems, connection, liveness, anchoring);
    }
}
