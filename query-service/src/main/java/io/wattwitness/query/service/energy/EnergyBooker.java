package io.wattwitness.query.service.energy;

import java.util.List;

/**
 * Books the energy of a reading sequence onto a {@link BucketGrid}.
 * <p>
 * Rules, applied to each pair of consecutive samples (a, b) in time order:
 * <ol>
 *   <li>Both carry a register: energy is the register delta, measured from the highest register seen since the
 *       last restart (so a dip within rounding is never counted twice).
 *       <ul>
 *         <li>increase: the delta, spread over (ta, tb];</li>
 *         <li>decrease within {@link EnergyPolicy#roundingToleranceMwh()}: 0;</li>
 *         <li>restart (b flags {@code REGISTER_RESTARTED} and is below the previous register, or, without the flag,
 *             b dropped to at most {@link EnergyPolicy#restartNearZeroMwh()} and at most half the previous
 *             register): the register restarted from zero, so only b's register is booked (what was produced
 *             after the restart), over the last nominal interval before tb;</li>
 *         <li>any other decrease (meter replaced or register rolled back): 0, and b becomes the new baseline.</li>
 *       </ul>
 *   </li>
 *   <li>A register is missing: power is integrated (trapezoid, negative power counted as 0) and marked estimated,
 *       but only when tb − ta ≤ {@link EnergyPolicy#gapLimitMs()}; across a longer gap nothing is booked.</li>
 *   <li>An interval longer than {@link EnergyPolicy#gapLimitMs()} is a gap: every bucket it overlaps is marked
 *       estimated; a register delta across it is spread over it in proportion to time.</li>
 * </ol>
 * Consequently, over a grid covering all readings, Σ buckets = register(last) − register(first) + what was
 * produced after each restart − what rolled back, for any bucket size. Stateless; thread-safe.
 */
public final class EnergyBooker {

    private final EnergyPolicy policy;

    /**
     * @param policy the booking tunables
     */
    public EnergyBooker(EnergyPolicy policy) {
        this.policy = policy;
    }

    /** @return the policy in use */
    public EnergyPolicy policy() {
        return policy;
    }

    /**
     * Books a sequence.
     *
     * @param samples readings in ascending time order (ties keep their given order)
     * @param grid the buckets to fill; energy outside its range is not booked
     * @return what happened on the way: restarts and rollbacks detected
     * @throws IllegalArgumentException when the samples are not in time order
     */
    public Outcome book(List<EnergySample> samples, BucketGrid grid) {
        EnergySample previous = null;
        long baseline = 0;
        boolean hasBaseline = false;
        int restarts = 0;
        int rollbacks = 0;
        for (EnergySample sample : samples) {
            grid.countReading(sample);
            if (previous == null) {
                previous = sample;
                if (sample.hasRegister()) {
                    baseline = sample.energyMwh();
                    hasBaseline = true;
                }
                continue;
            }
            long ta = previous.timestampMs();
            long tb = sample.timestampMs();
            if (tb < ta) {
                throw new IllegalArgumentException("samples must be in time order: " + tb + " after " + ta);
            }
            boolean gap = tb - ta > policy.gapLimitMs();
            if (gap) {
                grid.markEstimated(ta, tb);
            }
            if (sample.hasRegister() && previous.hasRegister() && hasBaseline) {
                long current = sample.energyMwh();
                long delta = current - baseline;
                // a decrease within rounding books nothing and keeps the high-water mark
                if (sample.registerRestarted() && current < baseline) {
                    restarts++;
                    baseline = current;
                    grid.spread(Math.max(ta, tb - policy.expectedIntervalMs()), tb, current, gap);
                } else if (delta >= 0) {
                    baseline = current;
                    grid.spread(ta, tb, delta, gap);
                } else if (-delta > policy.roundingToleranceMwh()) {
                    if (current <= policy.restartNearZeroMwh() && current <= baseline / 2) {
                        restarts++;
                        baseline = current;
                        grid.spread(Math.max(ta, tb - policy.expectedIntervalMs()), tb, current, gap);
                    } else {
                        rollbacks++;
                        baseline = current;
                    }
                }
            } else {
                if (!gap) {
                    long energy = trapezoidMwh(previous.powerMw(), sample.powerMw(), tb - ta);
                    grid.spread(ta, tb, energy, true);
                }
                if (sample.hasRegister()) {
                    baseline = sample.energyMwh();
                    hasBaseline = true;
                }
            }
            previous = sample;
        }
        return new Outcome(restarts, rollbacks);
    }

    private static long trapezoidMwh(long powerAMw, long powerBMw, long durationMs) {
        double meanMw = (Math.max(0, powerAMw) + Math.max(0, powerBMw)) / 2.0;
        return Math.round(meanMw * durationMs / 3_600_000.0);
    }

    /**
     * @param restarts register restarts detected (flag or drop to near zero)
     * @param rollbacks other register decreases beyond rounding, booked as 0
     */
    public record Outcome(int restarts, int rollbacks) {
    }
}
