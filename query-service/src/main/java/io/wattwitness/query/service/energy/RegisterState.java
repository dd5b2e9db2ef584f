package io.wattwitness.query.service.energy;

import java.util.Locale;

/**
 * What the energy booking made of a reading's register, when it is not an ordinary step (stored in
 * {@code readings.register_state}, shown as the reading's {@code register_state}).
 */
public enum RegisterState {
    /** The register dropped and came back to about its previous level: a transient glitch, no energy booked for it. */
    GLITCH,
    /** The register dropped and no later reading decided yet between a glitch and a restart: nothing booked yet. */
    HELD,
    /** The register rose by more than the installation's capacity could produce in that time: the excess is not booked. */
    EXCESS;

    /** @return the wire name: {@code glitch}, {@code held} or {@code excess} */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
