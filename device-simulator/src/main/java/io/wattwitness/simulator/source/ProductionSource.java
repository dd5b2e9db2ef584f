package io.wattwitness.simulator.source;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Where a simulated meter's production comes from: a physical solar model or replayed measurements.
 * <p>
 * Power may be negative (real inverters draw a few watts at night); {@link #productionMwh} never is, so the
 * meter's production register only grows.
 */
public interface ProductionSource {

    /** Longest step of the default trapezoidal integration of {@link #productionMwh}. */
    Duration INTEGRATION_STEP = Duration.ofSeconds(60);

    /**
     * @param time the instant
     * @return active power in watts at that instant (production positive); 0 outside the source's data range
     */
    double powerW(Instant time);

    /**
     * Energy produced between two instants: the integral of the positive part of the power.
     * The default integrates {@link #powerW} with the trapezoidal rule in steps of at most one minute.
     *
     * @param from start instant
     * @param to end instant, not before {@code from}
     * @return production in milliwatt-hours, ≥ 0
     */
    default double productionMwh(Instant from, Instant to) {
        long fromMs = from.toEpochMilli();
        long toMs = to.toEpochMilli();
        if (toMs <= fromMs) {
            return 0;
        }
        long stepMs = INTEGRATION_STEP.toMillis();
        double mwh = 0;
        double previous = Math.max(0, powerW(from));
        for (long t = fromMs; t < toMs; t += stepMs) {
            long next = Math.min(toMs, t + stepMs);
            double current = Math.max(0, powerW(Instant.ofEpochMilli(next)));
            // W * ms -> mWh: W * ms / 3600 = mWh
            mwh += (previous + current) / 2 * (next - t) / 3600.0;
            previous = current;
        }
        return mwh;
    }

    /** @return the first instant with data (replayed sources), empty for models defined at every instant */
    default Optional<Instant> firstInstant() {
        return Optional.empty();
    }

    /** @return the last instant with data (replayed sources), empty for models defined at every instant */
    default Optional<Instant> lastInstant() {
        return Optional.empty();
    }

    /**
     * Moves this source in time, e.g. to replay a 2011 series as if it happened today.
     *
     * @param offset how much later everything happens
     * @return a source whose value at {@code t} is this source's value at {@code t - offset}
     */
    default ProductionSource shiftedBy(Duration offset) {
        ProductionSource inner = this;
        if (offset.isZero()) {
            return inner;
        }
        return new ProductionSource() {
            @Override
            public double powerW(Instant time) {
                return inner.powerW(time.minus(offset));
            }

            @Override
            public double productionMwh(Instant from, Instant to) {
                return inner.productionMwh(from.minus(offset), to.minus(offset));
            }

            @Override
            public Optional<Instant> firstInstant() {
                return inner.firstInstant().map(t -> t.plus(offset));
            }

            @Override
            public Optional<Instant> lastInstant() {
                return inner.lastInstant().map(t -> t.plus(offset));
            }
        };
    }
}
