package io.wattwitness.verify.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.wattwitness.verify.service.VerifiedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Publishes stored readings on {@code readings.verified} (key device id, snake_case JSON of {@link VerifiedEvent}).
 * The returned Uni completes when the broker acknowledged every record ({@code acks=all}).
 */
@ApplicationScoped
public class VerifiedPublisher {

    /** Outgoing channel, topic configured in application.properties. */
    public static final String CHANNEL = "readings-verified";

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private final MutinyEmitter<String> emitter;

    /** @param emitter the readings.verified channel */
    public VerifiedPublisher(@Channel(CHANNEL) MutinyEmitter<String> emitter) {
        this.emitter = emitter;
    }

    /**
     * @param events readings to publish, in order
     * @return completes once all are acknowledged by Kafka
     */
    public Uni<Void> publish(List<VerifiedEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> sends = new ArrayList<>(events.size());
        for (VerifiedEvent event : events) {
            Message<String> message = Message.of(json(event)).addMetadata(
                    OutgoingKafkaRecordMetadata.<String>builder().withKey(event.deviceId()).build());
            sends.add(emitter.sendMessage(message));
        }
        return Uni.join().all(sends).andFailFast().replaceWithVoid();
    }

    /**
     * @param event a stored reading
     * @return its contract JSON
     */
    static String json(VerifiedEvent event) {
        try {
            return JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a VerifiedEvent always serialises", e);
        }
    }
}
