package io.wattwitness.verify.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/**
 * Micrometer counters, Prometheus names at {@code /q/metrics}: {@code verify_readings_total{outcome}},
 * {@code verify_duplicates_total}, {@code verify_quarantined_total{stage,reason}}, {@code verify_batches_total}.
 * Counted after the batch committed. The outcome series exist from start-up, at 0.
 */
@Startup
@ApplicationScoped
public class VerifyMetrics {

    private final MeterRegistry registry;

    /** @param registry the Micrometer registry */
    public VerifyMetrics(MeterRegistry registry) {
        this.registry = registry;
        batches();
        duplicates();
        for (String outcome : List.of(StoreResult.VERIFIED, StoreResult.ANOMALY, StoreResult.DISPUTED,
                StoreResult.EQUIVOCATION, StoreResult.DUPLICATE, StoreResult.QUARANTINED)) {
            readings(outcome);
        }
    }

    /** @param result a committed {@code readings.raw} batch */
    public void record(StoreResult result) {
        batches().increment();
        for (Map.Entry<String, Integer> entry : result.outcomes().entrySet()) {
            readings(entry.getKey()).increment(entry.getValue());
        }
        duplicates().increment(result.count(StoreResult.DUPLICATE));
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

    private Counter batches() {
        return Counter.builder("verify.batches").description("readings.raw batches committed").register(registry);
    }
}
