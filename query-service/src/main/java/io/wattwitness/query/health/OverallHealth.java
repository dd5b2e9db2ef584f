package io.wattwitness.query.health;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.providers.extension.HealthCenter;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.wattwitness.query.config.QueryConfig;
import io.wattwitness.query.repository.BatchRepository;
import io.wattwitness.reading.ReadingStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The overall health of {@code GET /health}: database and Kafka (DOWN when either fails), device liveness and
 * anchoring freshness (DEGRADED when a device is stale/dead or sealed batches wait too long for anchoring).
 */
@ApplicationScoped
public class OverallHealth {

    private final DatabaseHealthCheck database;
    private final HealthCenter messaging;
    private final Pool pool;
    private final BatchRepository batches;
    private final QueryConfig.Status thresholds;

    /**
     * @param database database check
     * @param messaging SmallRye Reactive Messaging channel health
     * @param pool reactive pool
     * @param batches batch rows
     * @param config thresholds
     */
    public OverallHealth(@Readiness DatabaseHealthCheck database, HealthCenter messaging, Pool pool, BatchRepository batches,
            QueryConfig config) {
        this.database = database;
        this.messaging = messaging;
        this.pool = pool;
        this.batches = batches;
        this.thresholds = config.status();
    }

    /**
     * The report.
     *
     * @param status UP | DEGRADED | DOWN
     * @param checks per check: status and details
     */
    public record Report(String status, Map<String, Object> checks) {
    }

    /** @return the current report */
    public Uni<Report> report() {
        Map<String, Object> checks = new LinkedHashMap<>();
        return database.call().chain(db -> {
            boolean dbUp = db.getStatus() == HealthCheckResponse.Status.UP;
            checks.put("database", Map.of("status", dbUp ? "UP" : "DOWN"));
            boolean kafkaUp = messaging.getReadiness().isOk() && messaging.getLiveness().isOk();
            checks.put("kafka", Map.of("status", kafkaUp ? "UP" : "DOWN"));
            if (!dbUp) {
                checks.put("devices", Map.of("status", "UNKNOWN"));
                checks.put("anchoring", Map.of("status", "UNKNOWN"));
                return Uni.createFrom().item(new Report("DOWN", checks));
            }
            return devices().chain(devices -> anchoring().map(anchoring -> {
                checks.put("devices", devices);
                checks.put("anchoring", anchoring);
                String overall = !kafkaUp ? "DOWN"
                        : "UP".equals(devices.get("status")) && "UP".equals(anchoring.get("status")) ? "UP" : "DEGRADED";
                return new Report(overall, checks);
            }));
        });
    }

    private Uni<Map<String, Object>> devices() {
        long now = System.currentTimeMillis();
        return pool.query("SELECT i.id, (SELECT max(r.timestamp_ms) FROM readings r WHERE r.installation_id = i.id "
                + "AND r.status <> '" + ReadingStatus.DISPUTED.word() + "') FROM installations i WHERE i.is_active").execute().map(rows -> {
                    int live = 0;
                    int stale = 0;
                    int dead = 0;
                    int silent = 0;
                    for (Row row : rows) {
                        Long last = row.getLong(1);
                        if (last == null) {
                            silent++;
                        } else if (now - last <= thresholds.staleAfter().toMillis()) {
                            live++;
                        } else if (now - last <= thresholds.deadAfter().toMillis()) {
                            stale++;
                        } else {
                            dead++;
                        }
                    }
                    Map<String, Object> result = new LinkedHashMap<>();
                    result.put("status", stale + dead == 0 ? "UP" : "DEGRADED");
                    result.put("live", live);
                    result.put("stale", stale);
                    result.put("dead", dead);
                    result.put("without_readings", silent);
                    return result;
                });
    }

    private Uni<Map<String, Object>> anchoring() {
        Instant now = Instant.now();
        return batches.latestAnchored().chain(anchored -> batches.oldestUnanchored().map(waiting -> {
            Map<String, Object> result = new LinkedHashMap<>();
            long waitingS = waiting.map(batch -> Duration.between(batch.sealedAt(), now).toSeconds()).orElse(0L);
            boolean late = waiting.isPresent() && waitingS > thresholds.anchoringStaleAfter().toSeconds();
            result.put("status", late ? "DEGRADED" : "UP");
            result.put("last_anchored_batch_id", anchored.map(batch -> (Object) batch.id()).orElse(null));
            result.put("last_anchored_at", anchored.map(batch -> (Object) batch.anchoredAt().toString()).orElse(null));
            result.put("oldest_unanchored_batch_id", waiting.map(batch -> (Object) batch.id()).orElse(null));
            result.put("oldest_unanchored_age_s", waiting.isPresent() ? waitingS : null);
            return result;
        }));
    }
}
