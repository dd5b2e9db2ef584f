package io.wattwitness.verify.service;

/** What the poll does with one {@code readings.raw} record ({@link PollPlanner}). */
public sealed interface Decision permits Decision.Store, Decision.Duplicate, Decision.Conflict, Decision.Quarantine {

    /**
     * Insert a new reading (verified, anomaly or disputed).
     *
     * @param reading the row to insert
     */
    record Store(PendingReading reading) implements Decision {
    }

    /**
     * An identical message for an identity already stored, or a conflicting message already recorded: no-op.
     *
     * @param candidate the resent reading
     * @param identical true when the message is the one stored in {@code readings} (a resend or redelivery),
     *        false when it repeats a conflicting message already recorded
     * @param storedId id of the reading stored before this poll that the record names, or 0 when that reading is
     *        inserted by this poll (its event is published anyway)
     */
    record Duplicate(Checked.Accepted candidate, boolean identical, long storedId) implements Decision {
    }

    /**
     * Equivocation: a different message for an identity already stored. The message goes to
     * {@code reading_conflicts} and the stored reading becomes disputed.
     *
     * @param candidate the conflicting reading
     * @param storedId id of the stored reading, or 0 when it is inserted by this poll
     * @param pending the reading inserted by this poll, or null
     */
    record Conflict(Checked.Accepted candidate, long storedId, PendingReading pending) implements Decision {

        /** @return the id of the reading the conflict is about (after the poll's inserts) */
        public long readingId() {
            return pending != null ? pending.id() : storedId;
        }
    }

    /**
     * Not acceptable: to quarantine.
     *
     * @param rejected the record and its reason
     * @param signed true when the signature verified under the device's registered key and a rule refused the
     *        reading (its ack names it {@code refused}, SPEC.md §6.1); false for malformed, unsigned, badly
     *        signed or unknown-device records (no ack at all)
     */
    record Quarantine(Checked.Rejected rejected, boolean signed) implements Decision {
    }
}
