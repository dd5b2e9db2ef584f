package io.wattwitness.verify.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.wattwitness.reading.DeviceAck;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/**
 * Micrometer counters, Prometheus names at {@code /q/metrics}: {@code verify_readings_total{outcome}},
 * {@code verify_duplicates_total}, {@code verify_resends_total}, {@code verify_late_readings_total},
 * {@code verify_reevaluated_total}, {@code verify_reevaluations_kept_sealed_total},
 * {@code verify_quarantined_total{stage,reason}}, {@code verify_polls_total},
 * and for acks (SPEC.md §6.1) {@code verify_acks_published_total}, {@code verify_acks_failed_total},
 * {@code verify_ack_readings_total{named=stored|refused}}. Counted after the poll committed (acks: after Kafka
 * answered). Every series exists from start-up, at 0.
 */
@Startup
@ApplicationScoped
public class VerifyMetrics {

    private final MeterRegistry registry;

    /** @param registry the Micrometer registry */
    public VerifyMetrics(MeterRegistry registry) {
        this.registry = registry;
        polls();
        duplicates();
        resends();
        late();
        reevaluated();
        keptSealed();
        republished();
        acksPublished();
        acksFailed();
        ackReadings("stored");
        ackReadings("refused");
        for (String outcome : List.of(StoreResult.VERIFIED, StoreResult.ANOMALY, StoreResult.DISPUTED,
                StoreResult.EQUIVOCATION, StoreResult.DUPLICATE, StoreResult.QUARANTINED)) {
            readings(outcome);
        }
    }

    /** @param result a committed {@code readings.raw} poll */
    public void record(StoreResult result) {
        polls().increment();
        for (Map.Entry<String, Integer> entry : result.outcomes().entrySet()) {
            readings(entry.getKey()).increment(entry.getValue());
        }
        duplicates().increment(result.count(StoreResult.DUPLICATE));
        resends().increment(result.resends());
        late().increment(result.late());
        reevaluated().increment(result.reevaluated());
        keptSealed().increment(result.keptSealed());
        republished().increment(result.republished());
        quarantined(QuarantineEntry.STAGE_VERIFY, result.quarantined());
    }

    /**
     * @param stage {@code ingest} or {@code verify}
     * @param byReason count per reason
     */
    public void quarantined(String stage, Map<String, Integer> byReason) {
        for (Map.Entry<String, Integer> entry : byReason.entrySet()) {
            Counter.builder("verify.quarantined")
                    .description("Envelopes quarantined, by stage (ingest, verify) and reason")
                    .tags("stage", stage, "reason", entry.getKey())
                    .register(registry).increment(entry.getValue());
        }
    }

    /**
     * @param ack an ack Kafka accepted
     */
    public void ackPublished(DeviceAck ack) {
        acksPublished().increment();
        long stored = 0;
        for (DeviceAck.SeqRange range : ack.stored()) {
            stored += range.last() - range.first() + 1;
        }
        ackReadings("stored").increment(stored);
        ackReadings("refused").increment(ack.count() - stored);
    }

    /** Counts an ack Kafka did not accept (the device resends and gets it again). */
    public void ackFailed() {
        acksFailed().increment();
    }

    private Counter acksPublished() {
        return Counter.builder("verify.acks.published").description("Acks accepted by Kafka on devices.acks")
                .register(registry);
    }

    private Counter acksFailed() {
        return Counter.builder("verify.acks.failed")
                .description("Acks Kafka did not accept (logged; the device's resend is answered again)")
                .register(registry);
    }

    private Counter ackReadings(String named) {
        return Counter.builder("verify.ack.readings")
                .description("Readings named by published acks, as stored or refused").tag("named", named)
                .register(registry);
    }

    private Counter resends() {
        return Counter.builder("verify.resends")
                .description("Identical resends or redeliveries of stored readings (answered stored again)")
                .register(registry);
    }

    private Counter late() {
        return Counter.builder("verify.late.readings")
                .description("Readings older than the age limit stored as late (continuing the sequence)")
                .register(registry);
    }

    private Counter keptSealed() {
        return Counter.builder("verify.reevaluations.kept.sealed")
                .description("Register verdicts not changed because the reading is already sealed into a batch")
                .register(registry);
    }

    private Counter republished() {
        return Counter.builder("verify.republished")
                .description("Stored readings published on readings.verified again because a record named them again"
                        + " (a resend, or a redelivery after a crash or a lost COMMIT answer)")
                .register(registry);
    }

    private Counter reevaluated() {
        return Counter.builder("verify.reevaluated")
                .description("Stored readings whose register verdict changed when a reading was inserted before them")
                .register(registry);
    }

    private Counter readings(String outcome) {
        return Counter.builder("verify.readings")
                .description("readings.raw records by outcome: verified, anomaly, disputed, equivocation, duplicate,"
                        + " quarantined")
                .tag("outcome", outcome).register(registry);
    }

    private Counter duplicates() {
        return Counter.builder("verify.duplicates")
                .description("Identical resends and redeliveries recognised as already stored (no-ops)")
                .register(registry);
    }

    private Counter polls() {
        return Counter.builder("verify.polls").description("readings.raw polls committed").register(registry);
    }
}
