package io.wattwitness.simulator.service;

import java.util.Locale;

/** What was done to an emitted envelope, as written in the manifest ({@link #wire()}). */
public enum Fault {
    /** A normal, valid reading. */
    NONE,
    /** A byte of the message was flipped after signing: the signature no longer verifies. */
    TAMPERED,
    /** A second copy of the envelope just sent. */
    DUPLICATE,
    /** Same (device, boot, seq) as the envelope just sent, different content, validly signed. */
    CONFLICT,
    /** The reading was taken (its seq consumed) but never sent: a gap. */
    DROPPED,
    /** A buffered, unacknowledged envelope sent again after a (re)connection or a failed attempt. */
    RESEND;

    /** @return the lowercase name used in the manifest */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
