package io.wattwitness.ingest.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counters of ingest, exposed in Prometheus format at {@code /q/metrics}:
 * {@code ingest_readings_received_total}, {@code ingest_readings_forwarded_total},
 * {@code ingest_readings_rejected_total{reason}}, {@code ingest_status_forwarded_total} and
 * {@code ingest_forward_failures_total} (Kafka did not take a record; the MQTT message is redelivered).
 */
@ApplicationScoped
public class IngestMetrics {

    private final Counter received;
    private final Counter forwarded;
    private final Counter statusForwarded;
    private final Counter forwardFailures;
    private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);

    IngestMetrics(MeterRegistry registry) {
        received = Counter.builder("ingest.readings.received")
                .description("Reading envelopes received, before any check").register(registry);
        forwarded = Counter.builder("ingest.readings.forwarded")
                .description("Readings acknowledged by Kafka on readings.raw").register(registry);
        statusForwarded = Counter.builder("ingest.status.forwarded")
                .description("Device status messages acknowledged by Kafka on devices.status").register(registry);
        forwardFailures = Counter.builder("ingest.forward.failures")
                .description("Records Kafka did not acknowledge; their MQTT messages are redelivered")
                .register(registry);
        for (RejectReason reason : RejectReason.values()) {
            rejected.put(reason, Counter.builder("ingest.readings.rejected")
                    .description("Messages acknowledged by Kafka on readings.rejected, by reason")
                    .tag("reason", reason.wire())
                    .register(registry));
        }
    }

    /** Counts one reading envelope received. */
    public void received() {
        received.increment();
    }

    /** Counts one reading durably forwarded to readings.raw. */
    public void forwarded() {
        forwarded.increment();
    }

    /** @param reason counts one message durably written to readings.rejected */
    public void rejected(RejectReason reason) {
        rejected.get(reason).increment();
    }

    /** Counts one status message durably forwarded to devices.status. */
    public void statusForwarded() {
        statusForwarded.increment();
    }

    /** Counts one record Kafka did not take. */
    public void forwardFailure() {
        forwardFailures.increment();
    }
}
