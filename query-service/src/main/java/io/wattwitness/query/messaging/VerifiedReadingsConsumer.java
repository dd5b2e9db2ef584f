package io.wattwitness.query.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.wattwitness.query.service.EnergyService;
import io.wattwitness.query.service.LiveUpdates;
import io.wattwitness.query.service.LiveUpdates.LiveEvent;
import io.wattwitness.query.service.ReadingService;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes {@code readings.verified} (Kafka contract) twice: once in the shared consumer group to maintain the
 * energy rollups, once in a per-instance group to feed this instance's live subscribers.
 */
@ApplicationScoped
public class VerifiedReadingsConsumer {

    /** Shared group: rollup maintenance. */
    public static final String READINGS_VERIFIED = "readings-verified";
    /** Per-instance group: live updates. */
    public static final String READINGS_LIVE = "readings-live";

    private final EnergyService energy;
    private final ReadingService readings;
    private final LiveUpdates live;
    private final ObjectMapper mapper;

    /**
     * @param energy rollups
     * @param readings reading views
     * @param live live fan-out
     * @param mapper JSON
     */
    public VerifiedReadingsConsumer(EnergyService energy, ReadingService readings, LiveUpdates live, ObjectMapper mapper) {
        this.energy = energy;
        this.readings = readings;
        this.live = live;
        this.mapper = mapper;
    }

    /**
     * @param payload the record value
     * @return completion once the affected rollup slots were rebuilt
     */
    @Incoming(READINGS_VERIFIED)
    public Uni<Void> onVerified(String payload) {
        Event event = parse(payload);
        if (event == null) {
            return Uni.createFrom().voidItem();
        }
        return energy.refresh(event.installationId(), event.timestampMs())
                .onFailure().invoke(failure -> Log.errorf(failure, "rollup refresh failed for reading %d", event.id()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /**
     * @param payload the record value
     * @return completion once the reading was handed to live subscribers
     */
    @Incoming(READINGS_LIVE)
    public Uni<Void> onLive(String payload) {
        Event event = parse(payload);
        if (event == null) {
            return Uni.createFrom().voidItem();
        }
        return readings.byId(event.id())
                .invoke(view -> {
                    if (view == null) {
                        Log.warnf("readings.verified names reading %d, which is not in the database", event.id());
                        return;
                    }
                    try {
                        live.publish(new LiveEvent(view.installationId(), "reading", mapper.writeValueAsString(view)));
                    } catch (IOException e) {
                        throw new IllegalStateException("reading view is always serialisable", e);
                    }
                })
                .onFailure().invoke(failure -> Log.errorf(failure, "live update failed for reading %d", event.id()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private record Event(long id, long installationId, long timestampMs) {
    }

    private Event parse(String payload) {
        try {
            JsonNode json = mapper.readTree(payload);
            if (json != null && json.path("id").canConvertToLong() && json.path("installation_id").canConvertToLong()
                    && json.path("timestamp_ms").canConvertToLong()) {
                return new Event(json.get("id").asLong(), json.get("installation_id").asLong(),
                        json.get("timestamp_ms").asLong());
            }
            Log.warnf("readings.verified record without id, installation_id or timestamp_ms, skipped: %.300s", payload);
        } catch (IOException e) {
            Log.warnf("readings.verified record is not JSON, skipped: %.300s", payload);
        }
        return null;
    }
}
