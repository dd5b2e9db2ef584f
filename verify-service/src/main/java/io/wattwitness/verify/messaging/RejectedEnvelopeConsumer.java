package io.wattwitness.verify.messaging;

import io.smallrye.mutiny.Uni;
import io.wattwitness.verify.service.QuarantineEntry;
import io.wattwitness.verify.service.RejectedRecords;
import io.wattwitness.verify.service.VerificationService;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes {@code readings.rejected} (envelopes ingest-service could not accept) and stores each in quarantine
 * with stage {@code ingest}, so every refused envelope is in the database. Acknowledged after commit.
 */
@ApplicationScoped
public class RejectedEnvelopeConsumer {

    /** Incoming channel, topic configured in application.properties. */
    public static final String CHANNEL = "readings-rejected";

    private final VerificationService verification;

    /** @param verification the pipeline */
    public RejectedEnvelopeConsumer(VerificationService verification) {
        this.verification = verification;
    }

    /**
     * @param records one poll's records
     * @return completes when quarantined
     */
    @Incoming(CHANNEL)
    public Uni<Void> consume(ConsumerRecords<String, byte[]> records) {
        List<QuarantineEntry> entries = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> record : records) {
            entries.add(RejectedRecords.toEntry(record.key(), record.value(), KafkaRecords.receivedAt(record),
                    record.topic() + "/" + record.partition() + "@" + record.offset()));
        }
        return verification.quarantineRejected(entries).replaceWithVoid();
    }
}
