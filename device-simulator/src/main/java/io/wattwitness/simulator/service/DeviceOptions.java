package io.wattwitness.simulator.service;

import io.wattwitness.simulator.source.ProductionSource;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * The settings a device and a fleet of devices share (site, source, interval, start, faults, seed, outbox
 * capacity), with their setters written once: {@link SimulatedDevice.Builder} and {@link Simulator.Builder} extend it.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class DeviceOptions<B extends DeviceOptions<B>> {

    /** Default outbox capacity (readings per device). */
    public static final int DEFAULT_OUTBOX_CAPACITY = 100_000;

    Site site = Site.DEFAULT;
    Function<Installation, ProductionSource> sourceFactory;
    Duration interval = Duration.ofSeconds(10);
    Instant start;
    Faults faults = Faults.NONE;
    long seed = 1;
    int outboxCapacity = DEFAULT_OUTBOX_CAPACITY;

    DeviceOptions() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** Copies the shared settings of another builder into this one. */
    void copyFrom(DeviceOptions<?> other) {
        site = other.site;
        sourceFactory = other.sourceFactory;
        interval = other.interval;
        start = other.start;
        faults = other.faults;
        seed = other.seed;
        outboxCapacity = other.outboxCapacity;
    }

    /**
     * @param site defaults for a new device's installation (ignored when the folder already holds one)
     * @return this
     */
    public B site(Site site) {
        this.site = site;
        return self();
    }

    /**
     * @param sourceFactory makes the production source for the installation; default (null): the physical solar
     *        model with partly cloudy weather seeded from the seed and index
     * @return this
     */
    public B source(Function<Installation, ProductionSource> sourceFactory) {
        this.sourceFactory = sourceFactory;
        return self();
    }

    /**
     * @param interval simulated time between readings, &gt; 0 (default 10 s)
     * @return this
     * @throws IllegalArgumentException when not positive
     */
    public B interval(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive");
        }
        this.interval = interval;
        return self();
    }

    /**
     * @param start simulated time of the first reading; default: the replayed data's first instant, else now
     * @return this
     */
    public B start(Instant start) {
        this.start = start;
        return self();
    }

    /**
     * @param faults fault injection settings (default none)
     * @return this
     */
    public B faults(Faults faults) {
        this.faults = faults;
        return self();
    }

    /**
     * @param seed seed of fault injection and cloud passages (device i uses a seed derived from it and i)
     * @return this
     */
    public B seed(long seed) {
        this.seed = seed;
        return self();
    }

    /**
     * @param outboxCapacity most readings kept in a device's outbox (SPEC.md §6.2), ≥ 1 (default
     *        {@value #DEFAULT_OUTBOX_CAPACITY}); when full the oldest is dropped, logged and counted
     * @return this
     * @throws IllegalArgumentException when below 1
     */
    public B outboxCapacity(int outboxCapacity) {
        if (outboxCapacity < 1) {
            throw new IllegalArgumentException("outbox capacity must be >= 1");
        }
        this.outboxCapacity = outboxCapacity;
        return self();
    }

    /**
     * @return the simulated time between readings
     */
    public Duration interval() {
        return interval;
    }
}
