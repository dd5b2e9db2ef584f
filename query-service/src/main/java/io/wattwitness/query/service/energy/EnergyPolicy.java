package io.wattwitness.query.service.energy;

/**
 * The tunables of energy booking.
 *
 * @param expectedIntervalMs the device's nominal reading interval in ms (10 s for the ESP32 firmware)
 * @param gapIntervals an interval longer than {@code gapIntervals × expectedIntervalMs} is a gap: its register
 *        delta is spread over the gap and marked estimated, and power is never integrated across it (3)
 * @param roundingToleranceMwh a register decrease up to this many mWh is meter rounding and books 0 (10 Wh)
 * @param restartNearZeroMwh without the restart flag, a larger decrease counts as a register restart only when
 *        the new register is at most this many mWh and at most half the previous register (1 kWh)
 */
public record EnergyPolicy(long expectedIntervalMs, int gapIntervals, long roundingToleranceMwh, long restartNearZeroMwh) {

    /** The defaults: 10 s interval, gaps beyond 3 intervals, 10 Wh rounding, restarts to at most 1 kWh. */
    public static final EnergyPolicy DEFAULT = new EnergyPolicy(10_000, 3, 10_000, 1_000_000);

    /**
     * @throws IllegalArgumentException when a value is not positive (tolerances may be 0)
     */
    public EnergyPolicy {
        if (expectedIntervalMs <= 0 || gapIntervals <= 0 || roundingToleranceMwh < 0 || restartNearZeroMwh < 0) {
            throw new IllegalArgumentException("energy policy values must be positive");
        }
    }

    /** @return the longest interval in ms that is not a gap */
    public long gapLimitMs() {
        return expectedIntervalMs * gapIntervals;
    }

    /**
     * @param expectedIntervalMs another nominal interval
     * @return this policy with that interval
     */
    public EnergyPolicy withExpectedIntervalMs(long expectedIntervalMs) {
        return new EnergyPolicy(expectedIntervalMs, gapIntervals, roundingToleranceMwh, restartNearZeroMwh);
    }
}
