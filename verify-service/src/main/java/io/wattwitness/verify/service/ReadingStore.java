package io.wattwitness.verify.service;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.wattwitness.reading.ReadingIdentity;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.verify.config.VerifyConfig;
import io.wattwitness.verify.repository.DeviceStateRepository;
import io.wattwitness.verify.repository.NewConflict;
import io.wattwitness.verify.repository.NewReading;
import io.wattwitness.verify.repository.QuarantineRepository;
import io.wattwitness.verify.repository.QuarantineRow;
import io.wattwitness.verify.repository.ReadingConflictRepository;
import io.wattwitness.verify.repository.ReadingRepository;
import io.wattwitness.verify.repository.ReadingRow;
import io.wattwitness.verify.repository.StoredReading;
import io.wattwitness.verify.repository.Verdict;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes one poll in one transaction on the reactive PostgreSQL pool: locks the poll's device rows (one statement),
 * loads the stored neighbours of every identity (one statement), plans with {@link PollPlanner}, then inserts the
 * readings (one statement), and only when the poll has them: conflicts, quarantine rows, the new register verdicts of
 * stored readings that got a new predecessor, disputes; finally raises the devices' highest boot. Every statement
 * takes the poll's rows as arrays, so a clean poll costs five round trips (BEGIN, lock, neighbours, insert, highest
 * boot) and COMMIT, whatever its size; a poll naming readings stored before it adds one read of those rows, which
 * are published again (see {@link #republished}). Nothing is updated except a reading's status (register verdict, disputed)
 * and a device's highest boot; nothing is deleted. The acks of the poll are part of the result, published after
 * the commit.
 */
@ApplicationScoped
public class ReadingStore {

    private final Pool pool;
    private final ReadingRepository readings;
    private final ReadingConflictRepository conflicts;
    private final QuarantineRepository quarantine;
    private final DeviceStateRepository devices;
    private final ReadingRules rules;

    /**
     * @param pool the reactive PostgreSQL pool
     * @param readings readings table
     * @param conflicts reading_conflicts table
     * @param quarantine quarantine table
     * @param devices devices table
     * @param config rule limits
     */
    public ReadingStore(Pool pool, ReadingRepository readings, ReadingConflictRepository conflicts, QuarantineRepository quarantine,
            DeviceStateRepository devices, VerifyConfig config) {
        this.pool = pool;
        this.readings = readings;
        this.conflicts = conflicts;
        this.quarantine = quarantine;
        this.devices = devices;
        this.rules = new ReadingRules(config.maxClockAhead(), config.maxAge(), config.earliest());
    }

    /**
     * Stores a checked poll.
     *
     * @param poll results of the stateless checks, in record order
     * @param verifiedAtMs verification time for new rows, Unix ms
     * @return what was done, with the events to publish once committed
     * @throws TransientErrors.ConcurrentWriteException (as a failure) if another writer stored an identity
     *         meanwhile; the caller retries the poll
     */
    public Uni<StoreResult> store(List<Checked> poll, long verifiedAtMs) {
        Map<String, Long> installations = new TreeMap<>();
        Set<ReadingIdentity> identities = new LinkedHashSet<>();
        for (Checked checked : poll) {
            if (checked instanceof Checked.Accepted accepted) {
                installations.put(accepted.deviceId(), accepted.installationId());
                identities.add(accepted.message().identity());
            }
        }
        return pool.withTransaction(connection -> devices.lock(connection, installations)
                .chain(() -> readings.findAround(connection, identities).map(known -> plan(poll, known)))
                .chain(planner -> write(connection, planner, installations.keySet(), verifiedAtMs)));
    }

    /**
     * Quarantines envelopes refused by ingest-service ({@code readings.rejected}).
     *
     * @param entries quarantine rows (stage ingest)
     * @return rows inserted (an envelope already quarantined for the same reason is skipped)
     */
    public Uni<Integer> quarantine(List<QuarantineEntry> entries) {
        return pool.withTransaction(connection -> quarantine.insert(connection, quarantineRows(entries)));
    }

    private PollPlanner plan(List<Checked> poll, List<StoredReading> known) {
        PollPlanner planner = new PollPlanner(rules, known);
        for (Checked checked : poll) {
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

    private Uni<StoreResult> write(SqlConnection connection, PollPlanner planner, Set<String> deviceIds,
            long verifiedAtMs) {
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
        List<VerifiedEvent> again = new ArrayList<>();
        List<String> keptSealed = new ArrayList<>();
        List<Verdict> verdicts = new ArrayList<>(planner.reevaluations().size());
        for (PollPlanner.Reevaluation reevaluation : planner.reevaluations()) {
            verdicts.add(new Verdict(reevaluation.readingId(), reevaluation.status(), reevaluation.verificationError()));
        }
        return readings.insert(connection, newReadings(pending), verifiedAtMs)
                .invoke(ids -> assignIds(pending, ids))
                .chain(() -> readings.reevaluate(connection, verdicts))
                .invoke(rows -> rows.forEach(row -> changed.add(VerifiedEvent.of(row))))
                .chain(() -> readings.sealedDisagreements(connection, verdicts))
                .invoke(kept -> {
                    keptSealed.addAll(kept);
                    for (String line : kept) {
                        Log.warnf("register verdict of a sealed reading not changed (the anchored batch keeps it): "
                                + "%s", line);
                    }
                })
                .chain(() -> conflicts.insert(connection, newConflicts(conflicting)))
                .chain(insertedConflicts -> readings.dispute(connection, storedTargets(conflicting))
                        .invoke(rows -> rows.forEach(row -> changed.add(VerifiedEvent.of(row))))
                        .chain(disputed -> readings.byIds(connection, republished(planner.decisions(), changed)))
                        .invoke(rows -> rows.forEach(row -> again.add(VerifiedEvent.of(row))))
                        .chain(republished -> quarantine.insert(connection, quarantineRows(quarantined))
                                .chain(() -> devices.raiseHighestBoot(connection, boots))
                                .map(ignored -> result(planner, insertedConflicts, changed, again, keptSealed.size(),
                                        verifiedAtMs))));
    }

    private static List<NewReading> newReadings(List<PendingReading> pending) {
        List<NewReading> rows = new ArrayList<>(pending.size());
        for (PendingReading reading : pending) {
            Checked.Accepted candidate = reading.candidate();
            ReadingMessage message = candidate.message();
            rows.add(new NewReading(candidate.installationId(), message.deviceIdHex(), message.meterIdHex(),
                    message.boot(), message.seq(), message.timestampMs(), message.powerMw(), message.energyMwh(),
                    message.powerW(), message.energyWh(), message.flags(), candidate.reading().message(),
                    candidate.reading().lowSSignature(), reading.status(), reading.verificationError(),
                    reading.late(), candidate.raw().receivedAtMs()));
        }
        return rows;
    }

    /** Called after the poll's readings are inserted: a conflict inside the poll needs its reading's new id. */
    private static List<NewConflict> newConflicts(List<Decision.Conflict> conflicting) {
        List<NewConflict> rows = new ArrayList<>(conflicting.size());
        for (Decision.Conflict conflict : conflicting) {
            rows.add(new NewConflict(conflict.readingId(), conflict.candidate().reading().message(),
                    conflict.candidate().reading().lowSSignature(), conflict.candidate().raw().receivedAtMs()));
        }
        return rows;
    }

    private static List<QuarantineRow> quarantineRows(List<QuarantineEntry> entries) {
        List<QuarantineRow> rows = new ArrayList<>(entries.size());
        for (QuarantineEntry entry : entries) {
            rows.add(new QuarantineRow(entry.receivedAtMs(), entry.source(), entry.stage(), entry.reason(),
                    entry.detail(), entry.topic(), entry.deviceId(), entry.installationId(), entry.boot(),
                    entry.seq(), entry.raw(), entry.rawSha256(), entry.eventKey()));
        }
        return rows;
    }

    private static void assignIds(List<PendingReading> pending, Map<String, Long> ids) {
        for (PendingReading reading : pending) {
            Long id = ids.get(ReadingRepository.identity(reading.candidate().deviceId(),
                    reading.candidate().message().boot(), reading.candidate().message().seq()));
            if (id == null) {
                throw new TransientErrors.ConcurrentWriteException("reading " + reading.candidate().message().identity()
                        + " was stored by another writer during the poll");
            }
            reading.assignId(id);
        }
    }

    /**
     * Readings stored before this poll that a record of the poll names again (an identical resend, a redelivery, a
     * conflicting message already recorded) and whose status this poll does not change: they are published on
     * {@code readings.verified} again. A redelivery follows a crash or a lost COMMIT answer after an earlier attempt
     * committed, which may never have published its events; publishing the stored row again is harmless because
     * every consumer of the topic is idempotent per reading id.
     */
    private static Set<Long> republished(List<Decision> decisions, List<VerifiedEvent> changed) {
        Set<Long> ids = new LinkedHashSet<>();
        for (Decision decision : decisions) {
            if (decision instanceof Decision.Duplicate duplicate && duplicate.storedId() != 0) {
                ids.add(duplicate.storedId());
            } else if (decision instanceof Decision.Conflict conflict && conflict.pending() == null) {
                ids.add(conflict.storedId());
            }
        }
        for (VerifiedEvent event : changed) {
            ids.remove(event.id());
        }
        return ids;
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

    private static StoreResult result(PollPlanner planner, Set<String> insertedConflicts, List<VerifiedEvent> changed,
            List<VerifiedEvent> again, int keptSealed, long verifiedAtMs) {
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
        events.addAll(again);
        return new StoreResult(outcomes, quarantined, events, AckPlan.of(planner.decisions()), resends, late,
                reevaluated, keptSealed, again.size());
    }
}
