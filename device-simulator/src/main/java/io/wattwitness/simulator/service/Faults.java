package io.wattwitness.simulator.service;

import java.time.Duration;

/**
 * Fault injection settings of a simulated device. Rates are probabilities per reading in [0, 1], drawn from the
 * device's seeded random source so that a run is reproducible.
 *
 * @param tamperRate probability to flip a byte of power_mw after signing
 * @param duplicateRate probability to send the envelope a second time
 * @param conflictRate probability to also send a validly signed reading with the same boot/seq and another power
 * @param dropRate probability to consume a reading (seq) without sending it
 * @param clockSkew added to every timestamp (e.g. +10 min for a device whose clock runs ahead)
 * @param rebootEvery simulate a reboot (boot + 1, seq 0) after this many readings in a boot; 0 = never
 * @param registerResetEvery restart the energy register from 0 (REGISTER_RESTARTED flag) every this many readings;
 *        0 = never
 */
public record Faults(double tamperRate, double duplicateRate, double conflictRate, double dropRate, Duration clockSkew,
        int rebootEvery, int registerResetEvery) {

    /** No faults. */
    public static final Faults NONE = new Faults(0, 0, 0, 0, Duration.ZERO, 0, 0);

    /** @throws IllegalArgumentException when a rate is outside [0, 1] or a period is negative */
    public Faults {
        checkRate("tamper-rate", tamperRate);
        checkRate("duplicate-rate", duplicateRate);
        checkRate("conflict-rate", conflictRate);
        checkRate("drop-rate", dropRate);
        if (clockSkew == null) {
            throw new IllegalArgumentException("clock skew must not be null");
        }
        if (rebootEvery < 0 || registerResetEvery < 0) {
            throw new IllegalArgumentException("reboot-every and register-reset-every must be >= 0");
        }
    }

    private static void checkRate(String name, double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException(name + " must be within [0, 1]: " + rate);
        }
    }

    /**
     * @param rate tamper rate
     * @return a copy with that tamper rate
     */
    public Faults withTamperRate(double rate) {
        return new Faults(rate, duplicateRate, conflictRate, dropRate, clockSkew, rebootEvery, registerResetEvery);
    }

    /**
     * @param rate duplicate rate
     * @return a copy with that duplicate rate
     */
    public Faults withDuplicateRate(double rate) {
        return new Faults(tamperRate, rate, conflictRate, dropRate, clockSkew, rebootEvery, registerResetEvery);
    }

    /**
     * @param rate conflict rate
     * @return a copy with that conflict rate
     */
    public Faults withConflictRate(double rate) {
        return new Faults(tamperRate, duplicateRate, rate, dropRate, clockSkew, rebootEvery, registerResetEvery);
    }

    /**
     * @param rate drop rate
     * @return a copy with that drop rate
     */
    public Faults withDropRate(double rate) {
        return new Faults(tamperRate, duplicateRate, conflictRate, rate, clockSkew, rebootEvery, registerResetEvery);
    }

    /**
     * @param skew clock skew
     * @return a copy with that skew
     */
    public Faults withClockSkew(Duration skew) {
        return new Faults(tamperRate, duplicateRate, conflictRate, dropRate, skew, rebootEvery, registerResetEvery);
    }

    /**
     * @param readings readings per boot, 0 = never reboot
     * @return a copy with that reboot period
     */
    public Faults withRebootEvery(int readings) {
        return new Faults(tamperRate, duplicateRate, conflictRate, dropRate, clockSkew, readings, registerResetEvery);
    }

    /**
     * @param readings readings between register restarts, 0 = never
     * @return a copy with that register reset period
     */
    public Faults withRegisterResetEvery(int readings) {
        return new Faults(tamperRate, duplicateRate, conflictRate, dropRate, clockSkew, rebootEvery, readings);
    }
}
