package io.wattwitness.query.service.energy;

import io.wattwitness.reading.ReadingFlags;

/**
 * One meter reading as seen by the energy analytics: reading time, energy register, active power and whether the
 * device flagged a register restart (reading-format SPEC.md section 2, flags bit 1).
 *
 * @param timestampMs reading time, Unix ms UTC
 * @param energyMwh cumulative production register in mWh, or {@code null} when the source has no register
 *        (power-only data); signed v1 messages always carry one
 * @param powerMw active power in mW, production positive
 * @param registerRestarted the device reported that the meter's register restarted since the previous reading
 */
public record EnergySample(long timestampMs, Long energyMwh, long powerMw, boolean registerRestarted) {

    /**
     * A sample from the fields of a signed reading.
     *
     * @param timestampMs reading time, Unix ms
     * @param energyMwh register, mWh
     * @param powerMw power, mW
     * @param flags the message flags (SPEC.md section 2)
     * @return the sample
     */
    public static EnergySample ofReading(long timestampMs, long energyMwh, long powerMw, int flags) {
        return new EnergySample(timestampMs, energyMwh, powerMw, ReadingFlags.isSet(flags, ReadingFlags.REGISTER_RESTARTED));
    }

    /**
     * A sample with a register and no restart flag.
     *
     * @param timestampMs reading time, Unix ms
     * @param energyMwh register, mWh
     * @param powerMw power, mW
     * @return the sample
     */
    public static EnergySample ofRegister(long timestampMs, long energyMwh, long powerMw) {
        return new EnergySample(timestampMs, energyMwh, powerMw, false);
    }

    /**
     * A sample without a register (power-only source).
     *
     * @param timestampMs reading time, Unix ms
     * @param powerMw power, mW
     * @return the sample
     */
    public static EnergySample ofPower(long timestampMs, long powerMw) {
        return new EnergySample(timestampMs, null, powerMw, false);
    }

    /** @return whether the sample carries an energy register */
    public boolean hasRegister() {
        return energyMwh != null;
    }
}
