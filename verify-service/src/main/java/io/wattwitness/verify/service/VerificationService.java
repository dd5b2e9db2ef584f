package io.wattwitness.verify.service;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Verifies and stores one batch of {@code readings.raw} records: parse and decode, find registered keys,
 * verify signatures off the event loop, then plan and write in one transaction (retried while the database is
 * unreachable). Business-rule failures are results, never failures; only unexpected errors fail the returned Uni.
 */
@ApplicationScoped
public class VerificationService {

    private final DeviceKeyCache keys;
    private final ReadingStore store;
    private final DatabaseRetry retry;
    private final VerifyMetrics metrics;
    private final PipelineStatus status;

    /**
     * @param keys registered keys
     * @param store the transactional writer
     * @param retry outage handling and offloading
     * @param metrics counters
     * @param status readiness state
     */
    public VerificationService(DeviceKeyCache keys, ReadingStore store, DatabaseRetry retry, VerifyMetrics metrics,
            PipelineStatus status) {
        this.keys = keys;
        this.store = store;
        this.retry = retry;
        this.metrics = metrics;
        this.status = status;
    }

    /**
     * @param batch records in partition order
     * @return what the committed transaction did (events to publish on {@code readings.verified})
     */
    public Uni<StoreResult> process(List<RawEnvelope> batch) {
        if (batch.isEmpty()) {
            return Uni.createFrom().item(StoreResult.empty());
        }
        List<Checked> parsed = new ArrayList<>(batch.size());
        Set<String> deviceIds = new LinkedHashSet<>();
        for (RawEnvelope raw : batch) {
            Checked checked = ReadingChecker.parse(raw);
            parsed.add(checked);
            if (checked instanceof Checked.Decoded decoded) {
                deviceIds.add(decoded.message().deviceIdHex());
            }
        }
        Uni<Map<String, RegisteredKey>> registered = deviceIds.isEmpty()
                ? Uni.createFrom().item(Map.of())
                : retry.run("key lookup", () -> keys.lookup(deviceIds));
        return registered
                .chain(found -> retry.offload(() -> verifyAll(parsed, found)))
                .chain(checked -> retry.run("storing a batch of " + checked.size() + " readings",
                        () -> store.store(checked, System.currentTimeMillis())))
                .invoke(result -> {
                    metrics.record(result);
                    status.batchDone();
                    Log.debugf("batch of %d committed: %s", batch.size(), result.outcomes());
                });
    }

    /**
     * @param entries envelopes refused by ingest-service
     * @return rows inserted
     */
    public Uni<Integer> quarantineRejected(List<QuarantineEntry> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return retry.run("quarantining " + entries.size() + " rejected envelopes", () -> store.quarantine(entries))
                .invoke(inserted -> {
                    Map<String, Integer> byReason = new TreeMap<>();
                    for (QuarantineEntry entry : entries) {
                        byReason.merge(entry.reason(), 1, Integer::sum);
                    }
                    metrics.quarantined(QuarantineEntry.STAGE_INGEST, byReason);
                });
    }

    private static List<Checked> verifyAll(List<Checked> parsed, Map<String, RegisteredKey> keys) {
        List<Checked> checked = new ArrayList<>(parsed.size());
        for (Checked one : parsed) {
            checked.add(ReadingChecker.verify(one, keys));
        }
        return checked;
    }
}
