package io.wattwitness.verify.messaging;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.wattwitness.verify.service.AckPlan;
import io.wattwitness.verify.service.VerifyMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Publishes the acks of a committed poll on {@code devices.acks} (reading-format SPEC.md §6.1): key = device id
 * (16 lowercase hex), value = {@code DeviceAck.toJson()}. ingest-service relays them to MQTT
 * {@code <root>/{id}/ack}. A failed publication is logged and counted and never fails the poll: the readings are
 * committed, and the device's timeout resend is answered with the same ack. At most one poll's acks are pending
 * (the caller waits for them before the next poll is acknowledged).
 */
@ApplicationScoped
public class AckPublisher {

    /** Outgoing channel, topic configured in application.properties ({@code wattwitness.topics.devices-acks}). */
    public static final String CHANNEL = "devices-acks";

    private final MutinyEmitter<String> emitter;
    private final VerifyMetrics metrics;

    /**
     * @param emitter the devices.acks channel
     * @param metrics ack counters
     */
    public AckPublisher(@Channel(CHANNEL) MutinyEmitter<String> emitter, VerifyMetrics metrics) {
        this.emitter = emitter;
        this.metrics = metrics;
    }

    /**
     * @param acks the poll's acks
     * @return completes (never fails) once Kafka answered for every ack
     */
    public Uni<Void> publish(List<AckPlan.DeviceAckRecord> acks) {
        if (acks.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Void>> sends = new ArrayList<>(acks.size());
        for (AckPlan.DeviceAckRecord record : acks) {
            String json = record.ack().toJson();
            Message<String> message = Message.of(json).addMetadata(
                    OutgoingKafkaRecordMetadata.<String>builder().withKey(record.deviceId()).build());
            sends.add(Uni.createFrom().deferred(() -> emitter.sendMessage(message))
                    .invoke(() -> metrics.ackPublished(record.ack()))
                    .onFailure().recoverWithUni(failure -> {
                        metrics.ackFailed();
                        Log.warnf("ack for device %s not published (%s); the device's resend will be answered: %s",
                                record.deviceId(), failure.toString(), json);
                        return Uni.createFrom().voidItem();
                    }));
        }
        return Uni.join().all(sends).andCollectFailures().replaceWithVoid();
    }
}
