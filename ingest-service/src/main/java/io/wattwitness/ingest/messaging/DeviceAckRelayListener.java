package io.wattwitness.ingest.messaging;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.wattwitness.ingest.config.IngestConfig;
import io.wattwitness.ingest.service.AckRelayService;
import io.wattwitness.ingest.service.InFlightWindow;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes Kafka {@code devices.acks} (channel {@value #DEVICES_ACKS}; topic, consumer group and commit strategy in
 * application.properties) and hands each record to {@link AckRelayService}. The consumer group is the same for
 * every ingest replica, so each ack is relayed by one of them.
 * <p>
 * A record is acknowledged to Kafka (offset committed by the {@code throttled} strategy, which commits an offset
 * only once every earlier record of the partition is acknowledged) only after the broker PUBACKed its MQTT publish,
 * or at once when it was skipped as invalid. Bounds: at most {@code ingest.acks.max-in-flight} acks await a PUBACK;
 * while that many do, this method does not return, so the connector stops handing over records, its own queue
 * ({@code max.poll.records × 2}) fills and it pauses the consumer. Records then wait in Kafka; nothing is dropped.
 */
@ApplicationScoped
public class DeviceAckRelayListener {

    /** Incoming Kafka channel of topic {@code devices.acks}. */
    public static final String DEVICES_ACKS = "devices-acks";

    private final AckRelayService relay;
    private final InFlightWindow window;

    DeviceAckRelayListener(AckRelayService relay, IngestConfig config) {
        this.relay = relay;
        this.window = new InFlightWindow(config.acks().maxInFlight());
    }

    @Incoming(DEVICES_ACKS)
    Uni<Void> onRecord(Message<byte[]> record) {
        @SuppressWarnings("unchecked")
        Optional<IncomingKafkaRecordMetadata<Object, byte[]>> metadata = record.getMetadata(
                IncomingKafkaRecordMetadata.class).map(m -> (IncomingKafkaRecordMetadata<Object, byte[]>) m);
        String key = metadata.map(m -> m.getKey() == null ? null : m.getKey().toString()).orElse(null);
        String origin = metadata.map(m -> m.getTopic() + "-" + m.getPartition() + "@" + m.getOffset())
                .orElse(DEVICES_ACKS);
        Uni<Void> job = relay.relay(key, record.getPayload(), origin)
                .call(() -> Uni.createFrom().completionStage(record.ack()))
                .onFailure().invoke(failure -> Log.errorf("ack record %s not relayed, its offset stays "
                        + "uncommitted: %s", origin, failure.toString()));
        return window.admit(job);
    }
}
