package io.wattwitness.verify.service;

import io.wattwitness.reading.Hex;
import io.wattwitness.reading.ReadingMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Applies the state-dependent rules of issue 3 to one batch of records, in arrival order (which is per-device
 * order: records are keyed by device id). Plain Java; one instance per batch and per database transaction.
 * <p>
 * For each signed reading, in this order:
 * <ol>
 * <li>identity (device_id, boot, seq) already stored or stored earlier in the batch: the same 52 bytes are a
 * {@link Decision.Duplicate}; a different message is a {@link Decision.Conflict} (equivocation: the first reading
 * becomes disputed, the second is kept in {@code reading_conflicts}); the same conflicting message again is a
 * duplicate. Identity comes first so that a redelivered batch is recognised even when later rules would now
 * refuse it;</li>
 * <li>boot lower than the highest stored for the device: quarantined as {@code rollback};</li>
 * <li>reading time ({@link ReadingRules#checkTime}): {@code before_2024}, {@code clock_ahead}, {@code too_old};</li>
 * <li>energy register: lower than the previous stored reading (by seq) of the same boot without the reset flag:
 * stored with status {@code anomaly} and {@code register_decreased}; a late reading whose register is above the
 * next stored reading (which has no reset flag): {@code anomaly} with {@code register_exceeds_next}.</li>
 * </ol>
 * The planner must be seeded with the device states and, for every identity in the batch, the stored readings
 * with the same identity and the nearest lower and higher seq of the same boot.
 */
public final class BatchPlanner {

    private final ReadingRules rules;
    private final Map<String, Long> highestBoot;
    private final Map<DeviceBoot, TreeMap<Long, Slot>> slots = new HashMap<>();
    private final List<Decision> decisions = new ArrayList<>();

    private record DeviceBoot(String deviceId, long boot) {
    }

    /** A stored (or to-be-stored) reading at one identity, plus the conflicting messages seen for it. */
    private static final class Slot {
        final long storedId;
        final PendingReading pending;
        final long energyMwh;
        final int flags;
        final String messageHex;
        final Set<String> conflicts = new HashSet<>();

        Slot(long storedId, PendingReading pending, long energyMwh, int flags, byte[] message) {
            this.storedId = storedId;
            this.pending = pending;
            this.energyMwh = energyMwh;
            this.flags = flags;
            this.messageHex = Hex.encode(message);
        }
    }

    /**
     * @param rules the time limits
     * @param highestBoot highest boot stored per device id (devices with no row may be absent)
     * @param known stored readings around the batch's identities (same identity, nearest lower and higher seq)
     */
    public BatchPlanner(ReadingRules rules, Map<String, Long> highestBoot, Collection<StoredReading> known) {
        this.rules = rules;
        this.highestBoot = new HashMap<>(highestBoot);
        for (StoredReading stored : known) {
            slotsOf(stored.deviceId(), stored.boot()).put(stored.seq(),
                    new Slot(stored.id(), null, stored.energyMwh(), stored.flags(), stored.message()));
        }
    }

    /**
     * Records a rejection from the stateless checks, keeping the batch order.
     *
     * @param rejected the record and reason
     * @return the decision
     */
    public Decision reject(Checked.Rejected rejected) {
        return add(new Decision.Quarantine(rejected));
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
        TreeMap<Long, Slot> sameBoot = slotsOf(deviceId, message.boot());
        String messageHex = Hex.encode(candidate.reading().message());

        Slot same = sameBoot.get(message.seq());
        if (same != null) {
            if (same.messageHex.equals(messageHex) || !same.conflicts.add(messageHex)) {
                return add(new Decision.Duplicate(candidate));
            }
            if (same.pending != null) {
                same.pending.dispute();
            }
            return add(new Decision.Conflict(candidate, same.storedId, same.pending));
        }

        Long highest = highestBoot.get(deviceId);
        if (ReadingRules.isRollback(message.boot(), highest)) {
            return add(quarantine(candidate, ReadingRules.ROLLBACK,
                    "boot " + message.boot() + " is lower than the highest boot " + highest + " stored for the device"));
        }
        Optional<ReadingRules.Violation> time = rules.checkTime(message.timestampMs(), candidate.raw().receivedAtMs());
        if (time.isPresent()) {
            return add(quarantine(candidate, time.get().reason(), time.get().detail()));
        }

        String anomaly = null;
        Map.Entry<Long, Slot> previous = sameBoot.lowerEntry(message.seq());
        Map.Entry<Long, Slot> next = sameBoot.higherEntry(message.seq());
        if (previous != null
                && ReadingRules.registerDecreased(previous.getValue().energyMwh, message.energyMwh(), message.flags())) {
            anomaly = ReadingRules.REGISTER_DECREASED;
        } else if (next != null
                && ReadingRules.registerDecreased(message.energyMwh(), next.getValue().energyMwh, next.getValue().flags)) {
            anomaly = ReadingRules.REGISTER_EXCEEDS_NEXT;
        }
        PendingReading pending = anomaly == null
                ? new PendingReading(candidate, PendingReading.VERIFIED, null)
                : new PendingReading(candidate, PendingReading.ANOMALY, anomaly);
        sameBoot.put(message.seq(), new Slot(0, pending, message.energyMwh(), message.flags(),
                candidate.reading().message()));
        highestBoot.merge(deviceId, message.boot(), Math::max);
        return add(new Decision.Store(pending));
    }

    /** @return every decision so far, in batch order */
    public List<Decision> decisions() {
        return Collections.unmodifiableList(decisions);
    }

    /** @return the highest boot per device after the batch's stored readings */
    public Map<String, Long> highestBoots() {
        return Collections.unmodifiableMap(highestBoot);
    }

    private static Decision quarantine(Checked.Accepted candidate, String reason, String detail) {
        return new Decision.Quarantine(Checked.Rejected.of(candidate.raw(), reason, detail, candidate.message(),
                candidate.installationId()));
    }

    private TreeMap<Long, Slot> slotsOf(String deviceId, long boot) {
        return slots.computeIfAbsent(new DeviceBoot(deviceId, boot), key -> new TreeMap<>());
    }

    private Decision add(Decision decision) {
        decisions.add(decision);
        return decision;
    }
}
