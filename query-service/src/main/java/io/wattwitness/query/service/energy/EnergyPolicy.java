package io.wattwitness.query.service.energy;

import java.math.BigInteger;

/**
 * The tunables of energy booking.
 *
 * @param expectedIntervalMs the device's nominal reading interval in ms (10 s for the ESP32 firmware)
 * @param gapIntervals an interval longer than {@code gapIntervals × expectedIntervalMs} is a gap: its register
 *        delta is spread over the gap and marked estimated, and power is never integrated across it (3)
 * @param roundingToleranceMwh a register decrease up to this many mWh is meter rounding and books 0 (10 Wh); a
 *        held register drop ends as a glitch when the register comes back to at least the level before the drop
 *        minus this tolerance
 * @param restartNearZeroMwh without the restart flag, a larger decrease counts as a register restart only when
 *        the new register is at most this many mWh and at most half the previous register (1 kWh)
 * @param capacityMarginPercent energy booked for an interval is at most capacity × duration × (100 + this) / 100
 *        plus {@code capacitySlackMwh} (25 %)
 * @param capacitySlackMwh the absolute allowance of that ceiling, one register step of the meter (1 Wh)
 */
public record EnergyPolicy(long expectedIntervalMs, int gapIntervals, long roundingToleranceMwh, long restartNearZeroMwh,
        int capacityMarginPercent, long capacitySlackMwh) {

    /**
     * The defaults: 10 s interval, gaps beyond 3 intervals, 10 Wh rounding, restarts to at most 1 kWh, capacity
     * ceiling with 25 % margin plus 1 Wh.
     */
    public static final EnergyPolicy DEFAULT = new EnergyPolicy(10_000, 3, 10_000, 1_000_000);

    /**
     * Without a capacity, how many times the reported active power a register may rise by
     * ({@link #plausibleRiseMwh(long, long, long)}).
     */
    public static final int POWER_BOUND_FACTOR = 2;

    /**
     * @throws IllegalArgumentException when a value is not positive (tolerances and margins may be 0)
     */
    public EnergyPolicy {
        if (expectedIntervalMs <= 0 || gapIntervals <= 0 || roundingToleranceMwh < 0 || restartNearZeroMwh < 0
                || capacityMarginPercent < 0 || capacitySlackMwh < 0) {
            throw new IllegalArgumentException("energy policy values must be positive");
        }
    }

    /**
     * A policy with the default capacity ceiling (25 % margin plus 1 Wh).
     *
     * @param expectedIntervalMs nominal reading interval, ms
     * @param gapIntervals gap threshold in nominal intervals
     * @param roundingToleranceMwh rounding tolerance, mWh
     * @param restartNearZeroMwh restart threshold, mWh
     */
    public EnergyPolicy(long expectedIntervalMs, int gapIntervals, long roundingToleranceMwh, long restartNearZeroMwh) {
        this(expectedIntervalMs, gapIntervals, roundingToleranceMwh, restartNearZeroMwh, 25, 1_000);
    }

    /** @return the longest interval in ms that is not a gap */
    public long gapLimitMs() {
        return expectedIntervalMs * gapIntervals;
    }

    /**
     * The most energy a meter of a given capacity may book over an interval.
     *
     * @param capacityW nameplate capacity, W; 0 or less when unknown
     * @param durationMs interval length, ms
     * @return capacity × duration × (100 + margin) / 100 + slack, mWh (rounded down), or {@link Long#MAX_VALUE} when
     *         the capacity is unknown
     */
    public long ceilingMwh(long capacityW, long durationMs) {
        if (capacityW <= 0) {
            return Long.MAX_VALUE;
        }
        // W × ms / 3,600 = mWh; × (100 + margin) / 100
        BigInteger mwh = BigInteger.valueOf(capacityW)
                .multiply(BigInteger.valueOf(Math.max(0, durationMs)))
                .multiply(BigInteger.valueOf(100L + capacityMarginPercent))
                .divide(BigInteger.valueOf(360_000L));
        return mwh.add(BigInteger.valueOf(capacitySlackMwh)).min(BigInteger.valueOf(Long.MAX_VALUE))
                .longValue();
    }

    /**
     * How far a register may rise over an interval before the rise is one the meter could not have produced; used to
     * tell a register that jumps back to its old level from one that counts up after a drop.
     * <ul>
     *   <li>With a known capacity: {@link #ceilingMwh(long, long)}.</li>
     *   <li>Without one, over an interval no longer than {@link #gapLimitMs()}: the meter's own active power bounds it,
     *       {@value #POWER_BOUND_FACTOR} × the highest active power reported around the interval × duration, with the
     *       ceiling's margin and slack (a power reading is a snapshot, so the factor leaves room for a cloud edge).</li>
     *   <li>Without a capacity, across a gap, or when no reading around the interval reports a positive power (an
     *       energy-only source, or the night): no bound ({@link Long#MAX_VALUE}).</li>
     * </ul>
     *
     * @param capacityW nameplate capacity, W; 0 or less when unknown
     * @param durationMs interval length, ms
     * @param peakPowerMw the highest active power reported by the readings around the interval, mW (negative counts
     *        as 0)
     * @return the largest plausible rise, mWh
     */
    public long plausibleRiseMwh(long capacityW, long durationMs, long peakPowerMw) {
        if (capacityW > 0) {
            return ceilingMwh(capacityW, durationMs);
        }
        if (durationMs > gapLimitMs() || peakPowerMw <= 0) {
            return Long.MAX_VALUE;
        }
        // factor × mW × ms / 3,600,000 = mWh; × (100 + margin) / 100
        BigInteger mwh = BigInteger.valueOf(POWER_BOUND_FACTOR).multiply(BigInteger.valueOf(peakPowerMw))
                .multiply(BigInteger.valueOf(Math.max(0, durationMs)))
                .multiply(BigInteger.valueOf(100L + capacityMarginPercent))
                .divide(BigInteger.valueOf(360_000_000L));
        return mwh.add(BigInteger.valueOf(capacitySlackMwh)).min(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
    }

    /**
     * @param expectedIntervalMs another nominal interval
     * @return this policy with that interval
     */
    public EnergyPolicy withExpectedIntervalMs(long expectedIntervalMs) {
        return new EnergyPolicy(expectedIntervalMs, gapIntervals, roundingToleranceMwh, restartNearZeroMwh,
                capacityMarginPercent, capacitySlackMwh);
    }
}
