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
 * Verifies and stores one poll of {@code readings.raw} records: parse and decode, find registered keys,
 * verify signatures off the event loop, then plan and write in one transaction (retried while the database is
 * unreachable). Business-rule failures are results, never failures; only unexpected errors fail the returned Uni.
 */
@ApplicationScoped
public class VerificationService {

    /** Signature checks run on this many worker threads at once per poll. */
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    /** A poll is split for parallel verification only into slices of at least this many records. */
    private static final int MIN_SLICE = 32;

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
     * @param poll records in partition order
     * @return what the committed transaction did (events to publish on {@code readings.verified})
     */
    public Uni<StoreResult> process(List<RawEnvelope> poll) {
        if (poll.isEmpty()) {
            return Uni.createFrom().item(StoreResult.empty());
        }
        List<Checked> parsed = new ArrayList<>(poll.size());
        Set<String> deviceIds = new LinkedHashSet<>();
        for (RawEnvelope raw : poll) {
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
                .chain(found -> verifyInParallel(parsed, found))
                .chain(checked -> retry.run("storing a poll of " + checked.size() + " readings",
                        () -> store.store(checked, System.currentTimeMillis())))
                .invoke(result -> {
                    metrics.record(result);
                    status.pollDone();
                    Log.debugf("poll of %d committed: %s", poll.size(), result.outcomes());
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

    /**
     * Verifies the signatures on worker threads: the poll is cut into one contiguous slice per core (slices of at
     * least {@link #MIN_SLICE} records), verified side by side, and joined again in record order.
     */
    private Uni<List<Checked>> verifyInParallel(List<Checked> parsed, Map<String, RegisteredKey> found) {
        int slices = Math.max(1, Math.min(CORES, parsed.size() / MIN_SLICE));
        if (slices == 1) {
            return retry.offload(() -> verifyAll(parsed, found));
        }
        List<Uni<List<Checked>>> parts = new ArrayList<>(slices);
        for (int i = 0; i < slices; i++) {
            List<Checked> slice = parsed.subList(parsed.size() * i / slices, parsed.size() * (i + 1) / slices);
            parts.add(retry.offload(() -> verifyAll(slice, found)));
        }
        return Uni.join().all(parts).andFailFast().map(results -> {
            List<Checked> joined = new ArrayList<>(parsed.size());
            results.forEach(joined::addAll);
            return joined;
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
