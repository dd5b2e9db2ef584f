package io.wattwitness.verify.service;

import io.wattwitness.reading.Hex;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.verify.repository.StoredReading;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Applies the state-dependent rules to one poll of records. Plain Java; one instance per poll and per database
 * transaction. The rules only look at the stored readings next to a reading in its device's (boot, seq) order, and
 * every verdict that depends on a neighbour is taken again when the neighbour changes, so the end result (rows,
 * statuses, quarantine reasons, acks) does not depend on the arrival order of a spec-following device's readings
 * (verify-service README, "Order independence").
 * <p>
 * For each signed reading, in this order:
 * <ol>
 * <li>identity (device_id, boot, seq) already stored or stored earlier in the poll: the same 52 bytes are a
 * {@link Decision.Duplicate}; a different message is a {@link Decision.Conflict} (equivocation: the stored reading
 * becomes disputed, the second message is kept in {@code reading_conflicts}); the same conflicting message again is
 * a duplicate. Identity comes first so that a resent reading is recognised even when later rules would now refuse
 * it;</li>
 * <li>{@code rollback} ({@link ReadingRules#checkRollback}): its time contradicts the boot order of its stored
 * neighbours;</li>
 * <li>time ({@link ReadingRules#checkTime}): {@code before_2024}, {@code clock_ahead}; older than the age limit:
 * stored as late when it continues the stored sequence ({@link ReadingRules#refuseLate}), else {@code too_old};</li>
 * <li>energy register below the previous stored reading (by seq) of the same boot without the reset flag: stored
 * with status {@code anomaly}, {@code register_decreased}. The next stored reading of the same boot is then judged
 * again against the new reading (it may become, or stop being, {@code register_decreased}); disputed readings stay
 * disputed.</li>
 * </ol>
 * The planner must be seeded with, for every identity in the poll, the stored reading with that identity and the
 * nearest stored readings before and after it in the device's (boot, seq) order.
 */
public final class PollPlanner {

    private final ReadingRules rules;
    private final Map<String, TreeMap<Position, Slot>> devices = new HashMap<>();
    private final List<Decision> decisions = new ArrayList<>();
    private final Map<Long, Reevaluation> reevaluations = new LinkedHashMap<>();
    private final Map<String, Long> highestBoot = new HashMap<>();

    /** A place in a device's sequence, ordered by boot then seq. */
    private record Position(long boot, long seq) implements Comparable<Position> {
        @Override
        public int compareTo(Position other) {
            int byBoot = Long.compare(boot, other.boot);
            return byBoot != 0 ? byBoot : Long.compare(seq, other.seq);
        }
    }

    /**
     * A new register verdict for a reading stored by an earlier poll.
     *
     * @param readingId the stored row
     * @param status {@code verified} or {@code anomaly}
     * @param verificationError null or the anomaly code
     */
    public record Reevaluation(long readingId, String status, String verificationError) {
    }

    /** A stored (or to-be-stored) reading at one identity, plus the conflicting messages seen for it. */
    private static final class Slot {
        final long storedId;
        final PendingReading pending;
        final long boot;
        final long seq;
        final long timestampMs;
        final long energyMwh;
        final int flags;
        final String messageHex;
        final Set<String> conflicts = new HashSet<>();
        String status;
        String verificationError;

        Slot(long storedId, PendingReading pending, long boot, long seq, long timestampMs, long energyMwh, int flags,
                byte[] message, String status, String verificationError) {
            this.storedId = storedId;
            this.pending = pending;
            this.boot = boot;
            this.seq = seq;
            this.timestampMs = timestampMs;
            this.energyMwh = energyMwh;
            this.flags = flags;
            this.messageHex = Hex.encode(message);
            this.status = status;
            this.verificationError = verificationError;
        }

        ReadingRules.Neighbour neighbour() {
            return new ReadingRules.Neighbour(boot, seq, timestampMs);
        }
    }

    /**
     * @param rules the time limits
     * @param known stored readings around the poll's identities (same identity, nearest before and after in
     *        (boot, seq) order)
     */
    public PollPlanner(ReadingRules rules, Collection<StoredReading> known) {
        this.rules = rules;
        for (StoredReading stored : known) {
            sequenceOf(stored.deviceId()).put(new Position(stored.boot(), stored.seq()),
                    new Slot(stored.id(), null, stored.boot(), stored.seq(), stored.timestampMs(), stored.energyMwh(),
                            stored.flags(), stored.message(), stored.status(), stored.verificationError()));
        }
    }

    /**
     * Records a rejection from the stateless checks, keeping the poll order.
     *
     * @param rejected the record and reason
     * @return the decision ({@code signed} when the reason is {@code key_retired}: the signature verified)
     */
    public Decision reject(Checked.Rejected rejected) {
        return add(new Decision.Quarantine(rejected, ReadingChecker.KEY_RETIRED.equals(rejected.reason())));
    }

    /**
     * Decides what to do with a reading signed by a registered key; later calls see its effect.
     *
     * @param candidate the verified reading
     * @return the decision
     */
    public Decision plan(Checked.Accepted candidate) {
        ReadingMessage message = candidate.message();
        String deviceId = candidate.deviceId();
        TreeMap<Position, Slot> sequence = sequenceOf(deviceId);
        Position position = new Position(message.boot(), message.seq());
        String messageHex = Hex.encode(candidate.reading().message());

        Slot same = sequence.get(position);
        if (same != null) {
            if (same.messageHex.equals(messageHex)) {
                return add(new Decision.Duplicate(candidate, true, same.storedId));
            }
            if (!same.conflicts.add(messageHex)) {
                return add(new Decision.Duplicate(candidate, false, same.storedId));
            }
            same.status = PendingReading.DISPUTED;
            same.verificationError = ReadingRules.EQUIVOCATION;
            if (same.pending != null) {
                same.pending.dispute();
            } else {
                reevaluations.remove(same.storedId);
            }
            return add(new Decision.Conflict(candidate, same.storedId, same.pending));
        }

        Map.Entry<Position, Slot> before = sequence.lowerEntry(position);
        Map.Entry<Position, Slot> after = sequence.higherEntry(position);
        Slot previous = before == null ? null : before.getValue();
        Slot next = after == null ? null : after.getValue();
        ReadingRules.Neighbour previousPlace = previous == null ? null : previous.neighbour();
        ReadingRules.Neighbour nextPlace = next == null ? null : next.neighbour();

        Optional<ReadingRules.Violation> rollback = ReadingRules.checkRollback(message.boot(), message.timestampMs(),
                previousPlace, nextPlace);
        if (rollback.isPresent()) {
            return add(quarantine(candidate, rollback.get().reason(), rollback.get().detail()));
        }
        boolean late = false;
        Optional<ReadingRules.Violation> time = rules.checkTime(message.timestampMs(), candidate.raw().receivedAtMs());
        if (time.isPresent()) {
            if (!ReadingRules.TOO_OLD.equals(time.get().reason())) {
                return add(quarantine(candidate, time.get().reason(), time.get().detail()));
            }
            Optional<String> refused = ReadingRules.refuseLate(message.timestampMs(), previousPlace, nextPlace);
            if (refused.isPresent()) {
                return add(quarantine(candidate, ReadingRules.TOO_OLD, time.get().detail() + " and it does not"
                        + " continue the stored sequence: " + refused.get()));
            }
            late = true;
        }

        boolean decreased = previous != null && previous.boot == message.boot()
                && ReadingRules.registerDecreased(previous.energyMwh, message.energyMwh(), message.flags());
        PendingReading pending = decreased
                ? new PendingReading(candidate, PendingReading.ANOMALY, ReadingRules.REGISTER_DECREASED, late)
                : new PendingReading(candidate, PendingReading.VERIFIED, null, late);
        sequence.put(position, new Slot(0, pending, message.boot(), message.seq(), message.timestampMs(),
                message.energyMwh(), message.flags(), candidate.reading().message(), pending.status(),
                pending.verificationError()));
        if (next != null && next.boot == message.boot()) {
            judgeAgain(next, message.energyMwh());
        }
        highestBoot.merge(deviceId, message.boot(), Math::max);
        return add(new Decision.Store(pending));
    }

    /** The next reading of the same boot has a new predecessor: its register verdict is taken again. */
    private void judgeAgain(Slot next, long previousEnergyMwh) {
        if (PendingReading.DISPUTED.equals(next.status)) {
            return;
        }
        boolean decreased = ReadingRules.registerDecreased(previousEnergyMwh, next.energyMwh, next.flags);
        String status = decreased ? PendingReading.ANOMALY : PendingReading.VERIFIED;
        String error = decreased ? ReadingRules.REGISTER_DECREASED : null;
        if (status.equals(next.status) && Objects.equals(error, next.verificationError)) {
            return;
        }
        next.status = status;
        next.verificationError = error;
        if (next.pending != null) {
            next.pending.reevaluate(status, error);
        } else {
            reevaluations.put(next.storedId, new Reevaluation(next.storedId, status, error));
        }
    }

    /** @return every decision so far, in poll order */
    public List<Decision> decisions() {
        return Collections.unmodifiableList(decisions);
    }

    /** @return new register verdicts for readings stored by earlier polls (none of them disputed meanwhile) */
    public List<Reevaluation> reevaluations() {
        return List.copyOf(reevaluations.values());
    }

    /** @return the highest boot per device among the poll's stored readings */
    public Map<String, Long> highestBoots() {
        return Collections.unmodifiableMap(highestBoot);
    }

    private static Decision quarantine(Checked.Accepted candidate, String reason, String detail) {
        return new Decision.Quarantine(Checked.Rejected.of(candidate.raw(), reason, detail, candidate.message(),
                candidate.installationId()), true);
    }

    private TreeMap<Position, Slot> sequenceOf(String deviceId) {
        return devices.computeIfAbsent(deviceId, key -> new TreeMap<>());
    }

    private Decision add(Decision decision) {
        decisions.add(decision);
        return decision;
    }
}
