package io.wattwitness.query.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.wattwitness.query.service.LiveUpdates;
import io.wattwitness.query.service.LiveUpdates.LiveEvent;
import io.wattwitness.query.service.StatusService;
import io.wattwitness.query.service.StatusService.DeviceStatusEvent;
import io.wattwitness.reading.Hex;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.Locale;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes {@code devices.status} (MQTT birth / last will, Kafka contract): stores the state in {@code device_status}
 * and pushes the installation's new status to live subscribers. Each instance reads every record (its own consumer
 * group); the store keeps only the newest state, so replays are harmless.
 */
@ApplicationScoped
public class DeviceStatusConsumer {

    /** Incoming channel; its topic is set in application.properties. */
    public static final String DEVICES_STATUS = "devices-status";

    private final StatusService status;
    private final LiveUpdates live;
    private final ObjectMapper mapper;

    /**
     * @param status status store
     * @param live live fan-out
     * @param mapper JSON
     */
    public DeviceStatusConsumer(StatusService status, LiveUpdates live, ObjectMapper mapper) {
        this.status = status;
        this.live = live;
        this.mapper = mapper;
    }

    /**
     * @param payload the record value
     * @return completion once stored and published
     */
    @Incoming(DEVICES_STATUS)
    public Uni<Void> onStatus(String payload) {
        DeviceStatusEvent event = parse(payload);
        if (event == null) {
            return Uni.createFrom().voidItem();
        }
        return status.applyDeviceStatus(event)
                .chain(installation -> installation.isEmpty() ? Uni.createFrom().voidItem()
                        : status.statusJson(installation.get())
                                .invoke(json -> live.publish(new LiveEvent(installation.get(), "status", json)))
                                .replaceWithVoid())
                .onFailure().invoke(failure -> Log.errorf(failure, "device status of %s not applied", event.deviceId()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private DeviceStatusEvent parse(String payload) {
        try {
            JsonNode json = mapper.readTree(payload);
            String deviceId = json == null ? null : json.path("device_id").asText(null);
            String state = json == null ? null : json.path("state").asText(null);
            if (deviceId != null && Hex.isHex(deviceId, 16) && ("online".equals(state) || "offline".equals(state))) {
                JsonNode boot = json.path("boot");
                JsonNode received = json.path("received_at");
                return new DeviceStatusEvent(deviceId.toLowerCase(Locale.ROOT), state,
                        boot.canConvertToLong() ? boot.asLong() : null, json.path("payload").asText(null),
                        received.canConvertToLong() ? received.asLong() : System.currentTimeMillis());
            }
            Log.warnf("devices.status record without a valid device_id or state, skipped: %.300s", payload);
        } catch (IOException e) {
            Log.warnf("devices.status record is not JSON, skipped: %.300s", payload);
        }
        return null;
    }
}
