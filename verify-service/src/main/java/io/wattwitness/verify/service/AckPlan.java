package io.wattwitness.verify.service;

import io.wattwitness.reading.DeviceAck;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the acks of one committed poll (reading-format SPEC.md §6.1) from the planner's decisions. Plain Java.
 * <p>
 * Named {@code stored}: new readings (any status, late included), identical resends of stored readings, both sides
 * of an equivocation. Named {@code refused}: readings whose signature verified under the device's registered key
 * but that a rule quarantined ({@code rollback}, {@code clock_ahead}, {@code too_old}, {@code before_2024},
 * {@code key_retired}). Nothing else produces an ack: malformed, unsigned, badly signed and unknown-device records
 * name no reading, so no one without the device key can make the backend acknowledge anything.
 */
public final class AckPlan {

    private AckPlan() {
    }

    /**
     * One ack for one device.
     *
     * @param deviceId device id, 16 lowercase hex (the Kafka key of {@code devices.acks})
     * @param ack the ack; its JSON is the record value
     */
    public record DeviceAckRecord(String deviceId, DeviceAck ack) {
    }

    private record DeviceBoot(String deviceId, long boot) implements Comparable<DeviceBoot> {
        @Override
        public int compareTo(DeviceBoot other) {
            int byDevice = deviceId.compareTo(other.deviceId);
            return byDevice != 0 ? byDevice : Long.compare(boot, other.boot);
        }
    }

    private static final class Seqs {
        final List<Long> stored = new ArrayList<>();
        final List<Long> refused = new ArrayList<>();
    }

    /**
     * @param decisions a poll's decisions, in any order
     * @return one or more acks per (device, boot) named by the poll, ordered by device id and boot; empty when the
     *         poll names no reading
     */
    public static List<DeviceAckRecord> of(List<Decision> decisions) {
        Map<DeviceBoot, Seqs> named = new TreeMap<>();
        for (Decision decision : decisions) {
            if (decision instanceof Decision.Store store) {
                stored(named, store.reading().candidate());
            } else if (decision instanceof Decision.Duplicate duplicate) {
                stored(named, duplicate.candidate());
            } else if (decision instanceof Decision.Conflict conflict) {
                stored(named, conflict.candidate());
            } else if (decision instanceof Decision.Quarantine quarantine && quarantine.signed()) {
                Checked.Rejected rejected = quarantine.rejected();
                if (rejected.deviceId() != null && rejected.boot() != null && rejected.seq() != null) {
                    named.computeIfAbsent(new DeviceBoot(rejected.deviceId(), rejected.boot()), key -> new Seqs())
                            .refused.add(rejected.seq());
                }
            }
        }
        List<DeviceAckRecord> acks = new ArrayList<>();
        for (Map.Entry<DeviceBoot, Seqs> entry : named.entrySet()) {
            long[] stored = entry.getValue().stored.stream().mapToLong(Long::longValue).toArray();
            long[] refused = entry.getValue().refused.stream().mapToLong(Long::longValue).toArray();
            for (DeviceAck ack : DeviceAck.of(entry.getKey().boot(), stored, refused)) {
                acks.add(new DeviceAckRecord(entry.getKey().deviceId(), ack));
            }
        }
        return acks;
    }

    private static void stored(Map<DeviceBoot, Seqs> named, Checked.Accepted candidate) {
        named.computeIfAbsent(new DeviceBoot(candidate.deviceId(), candidate.message().boot()), key -> new Seqs())
                .stored.add(candidate.message().seq());
    }
}
