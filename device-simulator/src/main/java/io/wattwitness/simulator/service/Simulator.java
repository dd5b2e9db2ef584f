package io.wattwitness.simulator.service;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.time.Clock;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * A fleet of {@link SimulatedDevice}s sharing settings, with their state in {@code <stateDir>/device-NNN}.
 * Use {@link #tick()} to produce envelopes without any network (tests of other modules), or {@link #run} to pace
 * readings in (scaled) real time and hand them to a {@link Transport}.
 */
public final class Simulator {

    private static final Logger LOG = Logger.getLogger(Simulator.class.getName());

    private final List<SimulatedDevice> devices;
    private final Duration interval;

    private Simulator(List<SimulatedDevice> devices, Duration interval) {
        this.devices = List.copyOf(devices);
        this.interval = interval;
    }

    /** @return a builder; {@link Builder#stateDir} is required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the devices, in index order */
    public List<SimulatedDevice> devices() {
        return devices;
    }

    /** @return simulated time between readings */
    public Duration interval() {
        return interval;
    }

    /**
     * Takes one reading on every device.
     *
     * @return the emissions of all devices, device by device
     */
    public List<Emission> tick() {
        List<Emission> out = new ArrayList<>();
        for (SimulatedDevice device : devices) {
            out.addAll(device.next());
        }
        return out;
    }

    /** @return whether every device's replayed data has run out */
    public boolean exhausted() {
        return devices.stream().allMatch(SimulatedDevice::exhausted);
    }

    /**
     * Runs the fleet: one round of readings per interval of simulated time, paced at {@code speed} times real time.
     *
     * @param transport where envelopes go (already opened)
     * @param listener sees every emission, sent or dropped (e.g. the manifest)
     * @param count readings per device before stopping; 0 = no limit
     * @param speed simulated seconds per real second (360 = an hour per 10 s); 0 = as fast as possible
     * @param keepRunning checked before every round; false stops the run
     * @param everyRound called after every round (e.g. installation registration retries)
     * @return rounds taken
     */
    public long run(Transport transport, Consumer<Emission> listener, long count, double speed,
            BooleanSupplier keepRunning, Runnable everyRound) {
        return run(transport, listener, count, speed, keepRunning, everyRound, null);
    }

    /**
     * Like {@link #run(Transport, Consumer, long, double, BooleanSupplier, Runnable)}, and, when {@code wallClock}
     * is given, never ahead of it: a fleet started in the past runs at {@code speed} until its simulated time
     * reaches the wall clock, then goes on in real time (a live local stack at accelerated speed; the backend
     * refuses readings more than 5 minutes ahead of its own clock).
     *
     * @param transport where envelopes go (already opened)
     * @param listener sees every emission, sent or dropped
     * @param count readings per device before stopping; 0 = no limit
     * @param speed simulated seconds per real second; 0 = as fast as possible
     * @param keepRunning checked before every round and while waiting; false stops the run
     * @param everyRound called after every round
     * @param wallClock the clock simulated time must not pass, or null for none
     * @return rounds taken
     */
    public long run(Transport transport, Consumer<Emission> listener, long count, double speed,
            BooleanSupplier keepRunning, Runnable everyRound, Clock wallClock) {
        if (speed < 0 || Double.isNaN(speed)) {
            throw new IllegalArgumentException("speed must be >= 0");
        }
        long startNanos = System.nanoTime();
        long rounds = 0;
        while ((count == 0 || rounds < count) && keepRunning.getAsBoolean() && !exhausted()) {
            if (speed > 0) {
                long target = startNanos + (long) (rounds * (interval.toNanos() / speed));
                if (!sleepUntil(target, keepRunning)) {
                    break;
                }
            }
            if (wallClock != null && !waitForWallClock(wallClock, keepRunning)) {
                break;
            }
            for (SimulatedDevice device : devices) {
                if (device.exhausted()) {
                    continue;
                }
                for (Emission emission : device.next()) {
                    listener.accept(emission);
                    if (emission.sent()) {
                        transport.send(device, emission);
                    }
                }
            }
            transport.flush();
            everyRound.run();
            rounds++;
        }
        long done = rounds;
        LOG.fine(() -> "simulation stopped after " + done + " rounds of " + devices.size() + " devices");
        return rounds;
    }

    private boolean waitForWallClock(Clock wallClock, BooleanSupplier keepRunning) {
        Instant next = devices.stream().map(SimulatedDevice::clock).min(Instant::compareTo).orElse(Instant.MIN);
        while (next.isAfter(wallClock.instant())) {
            if (!keepRunning.getAsBoolean()) {
                return false;
            }
            try {
                Thread.sleep(Math.max(1, Math.min(200, Duration.between(wallClock.instant(), next).toMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static boolean sleepUntil(long targetNanos, BooleanSupplier keepRunning) {
        while (true) {
            long wait = targetNanos - System.nanoTime();
            if (wait <= 0) {
                return true;
            }
            if (!keepRunning.getAsBoolean()) {
                return false;
            }
            try {
                Thread.sleep(Math.min(200, Math.max(1, wait / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** Builds a simulator; every device's boot counter is incremented when built. Shared setters: {@link DeviceOptions}. */
    public static final class Builder extends DeviceOptions<Builder> {
        private Path stateDir;
        private int devices = 1;

        private Builder() {
        }

        /**
         * @param stateDir parent folder of the devices' folders ({@code device-NNN})
         * @return this
         */
        public Builder stateDir(Path stateDir) {
            this.stateDir = stateDir;
            return this;
        }

        /**
         * @param devices number of devices, ≥ 1
         * @return this
         */
        public Builder devices(int devices) {
            if (devices < 1) {
                throw new IllegalArgumentException("devices must be >= 1");
            }
            this.devices = devices;
            return this;
        }

        /**
         * @return the simulator
         * @throws IOException when a device folder cannot be read or written
         */
        public Simulator build() throws IOException {
            if (stateDir == null) {
                throw new IllegalArgumentException("stateDir is required");
            }
            List<SimulatedDevice> built = new ArrayList<>();
            for (int i = 0; i < devices; i++) {
                built.add(SimulatedDevice.builder()
                        .settings(this)
                        .index(i)
                        .stateDir(stateDir.resolve(String.format("device-%03d", i)))
                        .build());
            }
            return new Simulator(built, interval());
        }
    }
}
