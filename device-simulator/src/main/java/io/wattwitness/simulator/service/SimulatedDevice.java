package io.wattwitness.simulator.service;

import io.wattwitness.reading.DeviceKey;
import io.wattwitness.reading.DeviceSigner;
import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.ReadingFlags;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.simulator.repository.DeviceStore;
import io.wattwitness.simulator.source.CloudModel;
import io.wattwitness.simulator.source.ProductionSource;
import io.wattwitness.simulator.source.SolarModelSource;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * A stand-in for one ESP32 + ATECC608A + Shelly EM: takes a reading every interval of simulated time, signs it
 * (SPEC.md §2–§3) and applies the configured {@link Faults}. No networking: {@link #next()} returns the envelopes
 * to send, a {@link Transport} sends them.
 * <p>
 * Behaviour mirrors the firmware: the boot counter is incremented and persisted when the device starts
 * (and on a simulated reboot); seq counts from 0 within a boot; the first reading of a boot carries
 * {@code FIRST_AFTER_BOOT}; every reading carries {@code CLOCK_SYNCED}; the energy register (mWh) grows by the
 * source's production and only restarts when a register reset is injected ({@code REGISTER_RESTARTED}).
 * Not thread-safe: drive each device from one thread.
 */
public final class SimulatedDevice {

    private final int index;
    private final DeviceStore store;
    private final DeviceSigner signer;
    private final DeviceKey key;
    private final Installation installation;
    private final ProductionSource source;
    private final Duration interval;
    private final Faults faults;
    private final Random random;
    private long boot;
    private long seq;
    private long readingsInBoot;
    private long readingsTotal;
    private long registerMwh;
    private double pendingMwh;
    private Instant clock;
    private Instant previous;

    private SimulatedDevice(Builder builder, DeviceStore store, Installation installation, ProductionSource source,
            Instant start) {
        this.index = builder.index;
        this.store = store;
        this.signer = store.signer();
        this.key = signer.publicKey();
        this.installation = installation;
        this.source = source;
        this.interval = builder.interval;
        this.faults = builder.faults;
        this.random = new Random(builder.seed * 1_000_003L + index);
        this.registerMwh = store.registerMwh();
        this.boot = store.nextBoot();
        this.clock = start;
    }

    /** @return a builder; {@link Builder#stateDir} is required */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Takes the next reading at the device's clock and advances the clock by one interval.
     *
     * @return the emissions of this reading in sending order: one normally; a {@link Fault#DROPPED} one that is not
     *         to be sent; or the reading followed by a {@link Fault#DUPLICATE} and/or a {@link Fault#CONFLICT}
     */
    public List<Emission> next() {
        if (faults.rebootEvery() > 0 && readingsInBoot >= faults.rebootEvery()) {
            reboot();
        }
        Instant now = clock;
        int flags = ReadingFlags.CLOCK_SYNCED;
        if (faults.registerResetEvery() > 0 && readingsTotal > 0 && readingsTotal % faults.registerResetEvery() == 0) {
            registerMwh = 0;
            flags |= ReadingFlags.REGISTER_RESTARTED;
        }
        if (previous != null) {
            pendingMwh += source.productionMwh(previous, now);
            long whole = (long) Math.floor(pendingMwh + 1e-6);
            pendingMwh = Math.max(0, pendingMwh - whole);
            registerMwh += whole;
        }
        if (seq == 0) {
            flags |= ReadingFlags.FIRST_AFTER_BOOT;
        }
        long skewMs = faults.clockSkew().toMillis();
        long powerMw = Math.round(source.powerW(now) * 1000);
        ReadingMessage reading = new ReadingMessage(key.deviceId(), installation.meterMac(), boot, seq,
                now.toEpochMilli() + skewMs, powerMw, registerMwh, flags);

        // Always draw the same random numbers per reading so that one rate does not shift another's outcomes.
        boolean drop = random.nextDouble() < faults.dropRate();
        boolean tamper = random.nextDouble() < faults.tamperRate();
        boolean duplicate = random.nextDouble() < faults.duplicateRate();
        boolean conflict = random.nextDouble() < faults.conflictRate();
        int tamperOffset = 34 + random.nextInt(8);
        int tamperMask = 1 + random.nextInt(255);
        long conflictDeltaMw = 1 + random.nextInt(50_000);

        byte[] message = reading.encode();
        Envelope envelope = new Envelope(message, signer.sign(message));
        List<Emission> out = new ArrayList<>(3);
        if (drop) {
            out.add(emission(reading, envelope, Fault.DROPPED, false, skewMs));
        } else {
            if (tamper) {
                byte[] flipped = message.clone();
                flipped[tamperOffset] ^= (byte) tamperMask;
                envelope = new Envelope(flipped, envelope.signature());
                out.add(emission(reading, envelope, Fault.TAMPERED, true, skewMs));
            } else {
                out.add(emission(reading, envelope, Fault.NONE, true, skewMs));
            }
            if (duplicate) {
                out.add(emission(reading, envelope, Fault.DUPLICATE, true, skewMs));
            }
            if (conflict) {
                ReadingMessage other = new ReadingMessage(reading.deviceId(), reading.meterId(), reading.boot(),
                        reading.seq(), reading.timestampMs(), reading.powerMw() + conflictDeltaMw,
                        reading.energyMwh(), reading.flags());
                byte[] otherMessage = other.encode();
                out.add(emission(other, new Envelope(otherMessage, signer.sign(otherMessage)), Fault.CONFLICT, true,
                        skewMs));
            }
        }
        store.saveRegister(registerMwh);
        seq++;
        readingsInBoot++;
        readingsTotal++;
        previous = now;
        clock = now.plus(interval);
        return out;
    }

    private Emission emission(ReadingMessage reading, Envelope envelope, Fault fault, boolean sent, long skewMs) {
        return new Emission(index, key.deviceIdHex(), reading.boot(), reading.seq(), reading, envelope, fault, sent,
                skewMs);
    }

    /** Simulates a reboot: the boot counter is incremented and persisted, seq restarts at 0. */
    public void reboot() {
        boot = store.nextBoot();
        seq = 0;
        readingsInBoot = 0;
    }

    /** @return whether a replayed source has no more data at the device's clock */
    public boolean exhausted() {
        return source.lastInstant().map(last -> clock.isAfter(last)).orElse(false);
    }

    /** @return the device's index in its simulator */
    public int index() {
        return index;
    }

    /** @return the public key */
    public DeviceKey key() {
        return key;
    }

    /** @return the device id as 16 lowercase hex digits */
    public String deviceIdHex() {
        return key.deviceIdHex();
    }

    /** @return the installation */
    public Installation installation() {
        return installation;
    }

    /** @return the persistent state (boot counter, register, resend buffer) */
    public DeviceStore store() {
        return store;
    }

    /** @return the current boot number */
    public long boot() {
        return boot;
    }

    /** @return the seq the next reading will carry */
    public long seq() {
        return seq;
    }

    /** @return the energy register in mWh after the last reading */
    public long registerMwh() {
        return registerMwh;
    }

    /** @return the instant of the next reading (simulated time, without skew) */
    public Instant clock() {
        return clock;
    }

    /** @return the device's own view of the time: simulated clock plus injected skew */
    public Instant deviceTime() {
        return clock.plus(faults.clockSkew());
    }

    /** @return the production source */
    public ProductionSource source() {
        return source;
    }

    /** Builds a device; opening its state folder increments the boot counter. Shared setters: {@link DeviceOptions}. */
    public static final class Builder extends DeviceOptions<Builder> {
        private int index;
        private Path stateDir;
        private SecureRandom keyRandom = new SecureRandom();

        private Builder() {
        }

        /**
         * @param options the shared settings to copy (e.g. a fleet's)
         * @return this
         */
        public Builder settings(DeviceOptions<?> options) {
            copyFrom(options);
            return this;
        }

        /**
         * @param index index within the simulator, ≥ 0 (spreads the site, seeds the randomness)
         * @return this
         */
        public Builder index(int index) {
            if (index < 0) {
                throw new IllegalArgumentException("device index must be >= 0");
            }
            this.index = index;
            return this;
        }

        /**
         * @param stateDir this device's own folder (key, boot counter, register, outbox)
         * @return this
         */
        public Builder stateDir(Path stateDir) {
            this.stateDir = stateDir;
            return this;
        }

        /**
         * @param keyRandom randomness for a new device key
         * @return this
         */
        public Builder keyRandom(SecureRandom keyRandom) {
            this.keyRandom = keyRandom;
            return this;
        }

        /**
         * Opens the state folder (creating key and installation on first use), increments the boot counter.
         *
         * @return the device
         * @throws IOException when the state folder cannot be read or written
         * @throws IllegalArgumentException when the state folder holds an unusable key or installation
         */
        public SimulatedDevice build() throws IOException {
            if (stateDir == null) {
                throw new IllegalArgumentException("stateDir is required");
            }
            DeviceStore store = DeviceStore.open(stateDir, () -> DeviceSigner.generate(keyRandom), outboxCapacity);
            Installation installation = installation(store);
            ProductionSource source;
            Instant begin;
            if (sourceFactory != null) {
                source = sourceFactory.apply(installation);
                Optional<Instant> first = source.firstInstant();
                begin = start != null ? start : first.orElseGet(() -> Instant.now().truncatedTo(ChronoUnit.SECONDS));
            } else {
                begin = start != null ? start : Instant.now().truncatedTo(ChronoUnit.SECONDS);
                source = new SolarModelSource(installation.latitudeDeg(), installation.longitudeDeg(),
                        installation.capacityW(), SolarModelSource.DEFAULT_DERATE,
                        CloudModel.partlyCloudy(seed * 7_919L + index, begin));
            }
            return new SimulatedDevice(this, store, installation, source, begin);
        }

        private Installation installation(DeviceStore store) {
            if (store.get("meter_mac") != null) {
                return new Installation(store.get("name"), Long.parseLong(store.get("meter_mac"), 16),
                        Double.parseDouble(store.get("latitude")), Double.parseDouble(store.get("longitude")),
                        ZoneId.of(store.get("timezone")), Double.parseDouble(store.get("capacity_w")));
            }
            DeviceKey key = store.signer().publicKey();
            // A locally administered unicast MAC (0x02 prefix) unique to the key.
            long mac = (0x02L << 40) | (key.deviceId() & 0xFF_FFFF_FFFFL);
            Installation created = new Installation(site.namePrefix() + " " + index + " (" + key.deviceIdHex()
                    .substring(0, 6) + ")", mac, site.latitudeDeg() + 0.01 * index, site.longitudeDeg() + 0.01 * index,
                    site.timezone(), site.capacityW());
            Map<String, String> values = new HashMap<>();
            values.put("name", created.name());
            values.put("meter_mac", created.meterMacHex());
            values.put("latitude", Double.toString(created.latitudeDeg()));
            values.put("longitude", Double.toString(created.longitudeDeg()));
            values.put("timezone", created.timezone().getId());
            values.put("capacity_w", Double.toString(created.capacityW()));
            store.putAll(values);
            return created;
        }
    }
}
