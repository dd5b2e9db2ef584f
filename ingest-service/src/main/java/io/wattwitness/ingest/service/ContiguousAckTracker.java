package io.wattwitness.ingest.service;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Tracks, per device, the highest contiguous (boot, seq) durably forwarded to Kafka, in memory (kafka-contract.md,
 * topic {@code wattwitness/v1/devices/{id}/ack}). Plain Java, thread-safe.
 * <ul>
 *   <li>Within the current boot, readings arriving out of order are held as pending and fill the gap when the
 *       missing seq arrives; the ack then jumps over all of them.</li>
 *   <li>A higher boot starts afresh: nothing is acknowledged until its seq 0 is accepted.</li>
 *   <li>A lower boot (a late resend from before a reboot) is forwarded but changes nothing here.</li>
 *   <li>A device this tracker does not know (first reading after ingest started, or forgotten because of the
 *       device limit) resumes at the first reading seen: everything before it is assumed forwarded. This holds
 *       because the broker session redelivers, in publishing order, every reading ingest did not forward, and
 *       devices resend their buffer oldest first. A device that still holds older readings resends them; that is
 *       harmless since verify-service deduplicates by identity.</li>
 * </ul>
 * Memory is bounded: at most {@code maxDevices} devices (least recently used forgotten first) and
 * {@code maxPending} out-of-order seqs per device (the highest dropped first; the device resends them).
 */
public final class ContiguousAckTracker {

    private final int maxPending;
    private final Map<String, DeviceState> devices;

    /**
     * @param maxDevices devices remembered at once, ≥ 1
     * @param maxPending out-of-order seqs remembered per device, ≥ 1
     */
    public ContiguousAckTracker(int maxDevices, int maxPending) {
        if (maxDevices < 1 || maxPending < 1) {
            throw new IllegalArgumentException("maxDevices and maxPending must be at least 1");
        }
        this.maxPending = maxPending;
        this.devices = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, DeviceState> eldest) {
                return size() > maxDevices;
            }
        };
    }

    /**
     * Records that reading (boot, seq) of a device is durably in Kafka.
     *
     * @param deviceId device id, 16 lowercase hex characters
     * @param boot boot counter, uint32
     * @param seq sequence number within the boot, uint32
     * @return the ack to publish: present when the contiguous high advanced, or when the reading repeats one already
     *         acknowledged in the current boot (the device evidently missed the ack); empty otherwise
     */
    public synchronized Optional<DeviceAck> accept(String deviceId, long boot, long seq) {
        DeviceState state = devices.get(deviceId);
        if (state == null) {
            state = new DeviceState(boot, seq - 1);
            devices.put(deviceId, state);
        } else if (boot > state.boot) {
            state.restart(boot);
        } else if (boot < state.boot) {
            return Optional.empty();
        }
        if (seq <= state.high) {
            return state.current();
        }
        if (seq == state.high + 1) {
            state.high = seq;
            while (!state.pending.isEmpty() && state.pending.first() == state.high + 1) {
                state.high = state.pending.pollFirst();
            }
            return state.current();
        }
        state.hold(seq, maxPending);
        return Optional.empty();
    }

    /**
     * @param deviceId device id, 16 lowercase hex characters
     * @return the current ack of the device, empty when unknown or nothing contiguous yet in its boot
     */
    public synchronized Optional<DeviceAck> current(String deviceId) {
        DeviceState state = devices.get(deviceId);
        return state == null ? Optional.empty() : state.current();
    }

    /** @return number of devices remembered */
    public synchronized int size() {
        return devices.size();
    }

    private static final class DeviceState {
        private long boot;
        private long high;
        private final TreeSet<Long> pending = new TreeSet<>();

        DeviceState(long boot, long high) {
            this.boot = boot;
            this.high = high;
        }

        void restart(long newBoot) {
            boot = newBoot;
            high = -1;
            pending.clear();
        }

        void hold(long seq, int maxPending) {
            if (pending.size() < maxPending) {
                pending.add(seq);
            } else if (seq < pending.last() && pending.add(seq)) {
                pending.pollLast();
            }
        }

        Optional<DeviceAck> current() {
            return high < 0 ? Optional.empty() : Optional.of(new DeviceAck(boot, high));
        }
    }
}
