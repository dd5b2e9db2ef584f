package io.wattwitness.systemtests.bench;

import io.wattwitness.reading.DeviceKey;
import io.wattwitness.reading.ReadingFormatException;
import io.wattwitness.reading.ReadingVerifier;
import io.wattwitness.simulator.service.Emission;
import io.wattwitness.simulator.service.SimulatedDevice;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The raw verification rate of this machine in the same run as the load: {@link ReadingVerifier#verify} (SPEC.md
 * §3, one {@link DeviceKey} held per device as verify-service does) over the run's own signed readings, in a loop
 * on the calling thread for a fixed wall time. Rates per second of the thread's CPU time (what one core does) and of
 * wall time (what one thread got on the shared machine).
 *
 * @param verified readings verified
 * @param cpu the thread's CPU time spent
 * @param wall wall time spent
 */
record RawVerification(long verified, Duration cpu, Duration wall) {

    /**
     * @param run the signed fleet of the run
     * @param duration how long to loop (wall time)
     * @return the counts
     * @throws ReadingFormatException never for the run's valid readings
     */
    static RawVerification measure(SignedFleet run, Duration duration) throws ReadingFormatException {
        List<DeviceKey> keys = new ArrayList<>();
        List<Emission> readings = new ArrayList<>();
        for (SimulatedDevice device : run.devices()) {
            for (Emission emission : run.emissions().get(device)) {
                keys.add(device.key());
                readings.add(emission);
            }
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        // warm-up, not counted
        for (int i = 0; i < Math.min(2_000, readings.size()); i++) {
            ReadingVerifier.verify(keys.get(i), readings.get(i).envelope().message(),
                    readings.get(i).envelope().signature());
        }
        long cpuStart = threads.getCurrentThreadCpuTime();
        long wallStart = System.nanoTime();
        long end = wallStart + duration.toNanos();
        long verified = 0;
        int index = 0;
        while (System.nanoTime() < end) {
            Emission emission = readings.get(index);
            ReadingVerifier.verify(keys.get(index), emission.envelope().message(), emission.envelope().signature());
            verified++;
            index = (index + 1) % readings.size();
        }
        return new RawVerification(verified, Duration.ofNanos(threads.getCurrentThreadCpuTime() - cpuStart),
                Duration.ofNanos(System.nanoTime() - wallStart));
    }

    /** @return readings verified per second of the thread's CPU time */
    double perCpuSecond() {
        return verified * 1e9 / Math.max(1, cpu.toNanos());
    }

    /** @return readings verified per second of wall time */
    double perWallSecond() {
        return verified * 1e9 / Math.max(1, wall.toNanos());
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d readings in %d ms CPU / %d ms wall: %.0f/s of CPU, %.0f/s of wall",
                verified, cpu.toMillis(), wall.toMillis(), perCpuSecond(), perWallSecond());
    }
}
