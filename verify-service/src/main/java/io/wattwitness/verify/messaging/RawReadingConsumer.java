package io.wattwitness.verify.messaging;

import io.smallrye.mutiny.Uni;
import io.wattwitness.verify.service.RawEnvelope;
import io.wattwitness.verify.service.VerificationService;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes {@code readings.raw} in polls (group {@code verify-service}, throttled commits). The poll is
 * acknowledged only when its transaction committed, its readings were published on {@code readings.verified} and
 * Kafka answered for its acks on {@code devices.acks} (a failed ack is logged and counted, it does not fail the
 * poll); any other failure nacks it and the fail strategy stops the channel (redelivery on restart).
 */
@ApplicationScoped
public class RawReadingConsumer {

    /** Incoming channel, topic configured in application.properties. */
    public static final String CHANNEL = "readings-raw";

    private final VerificationService verification;
    private final VerifiedPublisher publisher;
    private final AckPublisher acks;

    /**
     * @param verification the pipeline
     * @param publisher readings.verified
     * @param acks devices.acks
     */
    public RawReadingConsumer(VerificationService verification, VerifiedPublisher publisher, AckPublisher acks) {
        this.verification = verification;
        this.publisher = publisher;
        this.acks = acks;
    }

    /**
     * @param records one poll's records, in partition order
     * @return completes when stored, published and acked
     */
    @Incoming(CHANNEL)
    public Uni<Void> consume(ConsumerRecords<String, byte[]> records) {
        List<RawEnvelope> poll = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> record : records) {
            poll.add(KafkaRecords.toRaw(record));
        }
        return verification.process(poll)
                .chain(result -> publisher.publish(result.events()).chain(() -> acks.publish(result.acks())));
    }
}
