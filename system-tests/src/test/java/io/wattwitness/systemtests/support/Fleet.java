package io.wattwitness.systemtests.support;

import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.ReadingFlags;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.simulator.service.Emission;
import io.wattwitness.simulator.service.Fault;
import io.wattwitness.simulator.service.Faults;
import io.wattwitness.simulator.service.SimulatedDevice;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Builds simulated devices for the system tests (fresh keys in a temporary state folder, one fault profile per
 * device) and makes the envelopes the simulator has no fault for: a reading signed with an older boot (rollback)
 * and readings sent out of order ({@link Reorder}).
 */
public final class Fleet {

    /** Simulated time between readings. */
    public static final Duration INTERVAL = Duration.ofSeconds(10);

    private Fleet() {
    }

    /**
     * @param stateRoot folder of the devices' state (device-NNN below it; fresh folder = fresh key, boot 1)
     * @param index device index (seeds its faults and clouds)
     * @param start simulated time of its first reading
     * @param faults its fault profile
     * @param seed seed of the fault draws
     * @return the device
     * @throws IOException when its state folder cannot be written
     */
    public static SimulatedDevice device(Path stateRoot, int index, Instant start, Faults faults, long seed)
            throws IOException {
        return SimulatedDevice.builder()
                .index(index)
                .stateDir(stateRoot.resolve(String.format("device-%03d", index)))
                .interval(INTERVAL)
                .start(start)
                .faults(faults)
                .seed(seed)
                .build();
    }

    /**
     * A validly signed reading of {@code device} with the given boot and seq, timestamped {@code time}, with the
     * device's current register: used for a rollback (a boot below the highest the device already used) and for
     * envelopes published on the wrong topic.
     *
     * @param device the signing device
     * @param boot boot counter to claim
     * @param seq sequence number to claim
     * @param time reading time
     * @return the emission (fault {@code none})
     */
    public static Emission signed(SimulatedDevice device, long boot, long seq, Instant time) {
        ReadingMessage reading = new ReadingMessage(device.key().deviceId(), device.installation().meterMac(), boot,
                seq, time.toEpochMilli(), 1_234_000, device.registerMwh(), ReadingFlags.CLOCK_SYNCED);
        byte[] message = reading.encode();
        Envelope envelope = new Envelope(message, device.store().signer().sign(message));
        return new Emission(device.index(), device.deviceIdHex(), boot, seq, reading, envelope, Fault.NONE, true, 0);
    }

    /**
     * Sends some of a device's readings late: a reading's emissions are held back with the given probability and
     * sent right after the next reading's, so seq k+1 reaches the backend before seq k. Not thread-safe.
     */
    public static final class Reorder {
        private final Random random;
        private final double rate;
        private List<Emission> held;
        private int reordered;

        /**
         * @param seed seed of the draws
         * @param rate probability to hold a reading back, in [0, 1]
         */
        public Reorder(long seed, double rate) {
            this.random = new Random(seed);
            this.rate = rate;
        }

        /**
         * @param emissions one reading's emissions, in sending order
         * @return what to send now, in order (empty when this reading is held back)
         */
        public List<Emission> next(List<Emission> emissions) {
            List<Emission> out = new ArrayList<>(emissions);
            if (held != null) {
                out.addAll(held);
                held = null;
                reordered++;
                return out;
            }
            if (random.nextDouble() < rate) {
                held = out;
                return List.of();
            }
            return out;
        }

        /** @return what is still held back (send it at the end) */
        public List<Emission> rest() {
            List<Emission> out = held == null ? List.of() : held;
            held = null;
            return out;
        }

        /** @return how many readings were sent after their successor */
        public int reordered() {
            return reordered;
        }
    }
}
