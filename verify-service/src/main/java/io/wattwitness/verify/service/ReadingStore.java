package io.wattwitness.verify.service;

import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.wattwitness.reading.ReadingIdentity;
import io.wattwitness.verify.config.VerifyConfig;
import io.wattwitness.verify.repository.DeviceStateRepository;
import io.wattwitness.verify.repository.QuarantineRepository;
import io.wattwitness.verify.repository.ReadingConflictRepository;
import io.wattwitness.verify.repository.ReadingRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes one batch in one transaction: locks the batch's device rows, loads the stored neighbours of every
 * identity, plans with {@link BatchPlanner}, then inserts readings, conflicts and quarantine rows with multi-row
 * statements, sets the new register verdicts of stored readings that got a new predecessor, and raises the
 * devices' highest boot. Nothing is updated except a reading's status (register verdict, disputed) and a device's
 * highest boot; nothing is deleted. The acks of the batch are part of the result, published after the commit.
 */
@ApplicationScoped
public class ReadingStore {

    private final ReadingRepository readings;
    private final ReadingConflictRepository conflicts;
    private final QuarantineRepository quarantine;
    private final DeviceStateRepository devices;
    private final ReadingRules rules;

    /**
     * @param readings readings table
     * @param conflicts reading_conflicts table
     * @param quarantine quarantine table
     * @param devices devices table
     * @param config rule limits
     */
    public ReadingStore(ReadingRepository readings, ReadingConflictRepository conflicts, QuarantineRepository quarantine,
            DeviceStateRepository devices, VerifyConfig config) {
        this.readings = readings;
        this.conflicts = conflicts;
        this.quarantine = quarantine;
        this.devices = devices;
        this.rules = new ReadingRules(config.maxClockAhead(), config.maxAge(), config.earliest());
    }

    /**
     * Stores a checked batch.
     *
     * @param batch results of the stateless checks, in record order
     * @param verifiedAtMs verification time for new rows, Unix ms
     * @return what was done, with the events to publish once committed
     * @throws TransientErrors.ConcurrentWriteException (as a failure) if another writer stored an identity
     *         meanwhile; the caller retries the batch
     */
    @WithTransaction
    public Uni<StoreResult> store(List<Checked> batch, long verifiedAtMs) {
        Map<String, Long> installations = new TreeMap<>();
        Set<ReadingIdentity> identities = new LinkedHashSet<>();
        for (Checked checked : batch) {
            if (checked instanceof Checked.Accepted accepted) {
                installations.put(accepted.deviceId(), accepted.installationId());
                identities.add(accepted.message().identity());
            }
        }
        return devices.lock(installations)
                .chain(locked -> readings.findAround(identities).map(known -> plan(batch, known)))
                .chain(planner -> write(planner, installations.keySet(), verifiedAtMs));
    }

    /**
     * Quarantines envelopes refused by ingest-service ({@code readings.rejected}).
     *
     * @param entries quarantine rows (stage ingest)
     * @return rows inserted (an envelope already quarantined for the same reason is skipped)
     */
    @WithTransaction
    public Uni<Integer> quarantine(List<QuarantineEntry> entries) {
        return quarantine.insert(entries);
    }

    private BatchPlanner plan(List<Checked> batch, List<StoredReading> known) {
        BatchPlanner planner = new BatchPlanner(rules, known);
        for (Checked checked : batch) {
            if (checked instanceof Checked.Accepted accepted) {
                planner.plan(accepted);
            } else if (checked instanceof Checked.Rejected rejected) {
                planner.reject(rejected);
            } else {
                throw new IllegalStateException("record not verified before storing: " + checked.raw().position());
            }
        }
        return planner;
    }

    private Uni<StoreResult> write(BatchPlanner planner, Set<String> deviceIds, long verifiedAtMs) {
        List<PendingReading> pending = new ArrayList<>();
        List<Decision.Conflict> conflicting = new ArrayList<>();
        List<QuarantineEntry> quarantined = new ArrayList<>();
        for (Decision decision : planner.decisions()) {
            if (decision instanceof Decision.Store store) {
                pending.add(store.reading());
            } else if (decision instanceof Decision.Conflict conflict) {
                conflicting.add(conflict);
            } else if (decision instanceof Decision.Quarantine rejected) {
                quarantined.add(QuarantineEntry.of(rejected.rejected()));
            }
        }
        Map<String, Long> boots = new HashMap<>();
        for (String deviceId : deviceIds) {
            Long boot = planner.highestBoots().get(deviceId);
            if (boot != null) {
                boots.put(deviceId, boot);
            }
        }
        List<VerifiedEvent> changed = new ArrayList<>();
        List<String> keptSealed = new ArrayList<>();
        return readings.insert(pending, verifiedAtMs)
                .invoke(ids -> assignIds(pending, ids))
                .chain(() -> readings.reevaluate(planner.reevaluations()))
                .invoke(changed::addAll)
                .chain(() -> readings.sealedDisagreements(planner.reevaluations()))
                .invoke(kept -> {
                    keptSealed.addAll(kept);
                    for (String line : kept) {
                        Log.warnf("register verdict of a sealed reading not changed (the anchored batch keeps it): "
                                + "%s", line);
                    }
                })
                .chain(() -> conflicts.insert(conflicting))
                .chain(insertedConflicts -> readings.dispute(storedTargets(conflicting))
                        .invoke(changed::addAll)
                        .chain(disputed -> quarantine.insert(quarantined)
                                .chain(() -> devices.raiseHighestBoot(boots))
                                .map(ignored -> result(planner, insertedConflicts, changed, keptSealed.size(), verifiedAtMs))));
    }

    private static void assignIds(List<PendingReading> pending, Map<String, Long> ids) {
        for (PendingReading reading : pending) {
            Long id = ids.get(ReadingRepository.identity(reading.candidate().deviceId(),
                    reading.candidate().message().boot(), reading.candidate().message().seq()));
            if (id == null) {
                throw new TransientErrors.ConcurrentWriteException("reading " + reading.candidate().message().identity()
                        + " was stored by another writer during the batch");
            }
            reading.assignId(id);
        }
    }

    private static Set<Long> storedTargets(List<Decision.Conflict> conflicting) {
        Set<Long> ids = new LinkedHashSet<>();
        for (Decision.Conflict conflict : conflicting) {
            if (conflict.pending() == null) {
                ids.add(conflict.storedId());
            }
        }
        return ids;
    }

    private static StoreResult result(BatchPlanner planner, Set<String> insertedConflicts, List<VerifiedEvent> changed,
            int keptSealed, long verifiedAtMs) {
        int resends = 0;
        int late = 0;
        Map<String, Integer> outcomes = new TreeMap<>();
        Map<String, Integer> quarantined = new TreeMap<>();
        List<VerifiedEvent> events = new ArrayList<>();
        for (Decision decision : planner.decisions()) {
            String outcome;
            if (decision instanceof Decision.Store store) {
                outcome = store.reading().status();
                events.add(VerifiedEvent.of(store.reading(), verifiedAtMs));
                late += store.reading().late() ? 1 : 0;
            } else if (decision instanceof Decision.Conflict conflict) {
                boolean inserted = insertedConflicts.contains(ReadingConflictRepository.key(conflict.readingId(),
                        conflict.candidate().reading().message()));
                outcome = inserted ? StoreResult.EQUIVOCATION : StoreResult.DUPLICATE;
            } else if (decision instanceof Decision.Quarantine rejected) {
                outcome = StoreResult.QUARANTINED;
                quarantined.merge(rejected.rejected().reason(), 1, Integer::sum);
            } else {
                outcome = StoreResult.DUPLICATE;
                resends += decision instanceof Decision.Duplicate duplicate && duplicate.identical() ? 1 : 0;
            }
            outcomes.merge(outcome, 1, Integer::sum);
        }
        int reevaluated = 0;
        for (VerifiedEvent event : changed) {
            reevaluated += PendingReading.DISPUTED.equals(event.status()) ? 0 : 1;
        }
        events.addAll(changed);
        return new StoreResult(outcomes, quarantined, events, AckPlan.of(planner.decisions()), resends, late,
                reevaluated, keptSealed);
    }
}
