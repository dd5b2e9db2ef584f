package io.wattwitness.verify.service;

import io.wattwitness.reading.ReadingStatus;

/**
 * A reading the current poll will insert into {@code readings}. Its status can still turn to {@code disputed}
 * when a conflicting message for the same identity arrives later in the same poll; the id is set once the row
 * is inserted. Confined to the poll being processed.
 */
public final class PendingReading {

    /** Status of a clean reading. */
    public static final String VERIFIED = ReadingStatus.VERIFIED.word();
    /** Status of a reading with an energy-register anomaly (stored, not anchored). */
    public static final String ANOMALY = ReadingStatus.ANOMALY.word();
    /** Status of a reading with a conflicting message for its identity (stored, never anchored). */
    public static final String DISPUTED = ReadingStatus.DISPUTED.word();

    private final Checked.Accepted candidate;
    private final boolean late;
    private String status;
    private String verificationError;
    private long id;

    /**
     * @param candidate the verified reading
     * @param status {@link #VERIFIED} or {@link #ANOMALY}
     * @param verificationError null for verified, the anomaly code otherwise
     * @param late whether the reading was older than the age limit when received and accepted as late
     *        (reading-format SPEC.md §8)
     */
    public PendingReading(Checked.Accepted candidate, String status, String verificationError, boolean late) {
        this.candidate = candidate;
        this.late = late;
        this.status = status;
        this.verificationError = verificationError;
    }

    /** Marks the reading disputed (equivocation inside the poll). */
    public void dispute() {
        status = DISPUTED;
        verificationError = ReadingRules.EQUIVOCATION;
    }

    /**
     * Sets the register verdict again after a reading was inserted before this one (a disputed reading stays
     * disputed).
     *
     * @param newStatus {@link #VERIFIED} or {@link #ANOMALY}
     * @param newError null, or the anomaly code
     */
    public void reevaluate(String newStatus, String newError) {
        if (!DISPUTED.equals(status)) {
            status = newStatus;
            verificationError = newError;
        }
    }

    /** @return whether the reading is stored as late (older than the age limit, continuing the sequence) */
    public boolean late() {
        return late;
    }

    /** @return the verified reading */
    public Checked.Accepted candidate() {
        return candidate;
    }

    /** @return verified, anomaly or disputed */
    public String status() {
        return status;
    }

    /** @return null when verified, else the anomaly or dispute code */
    public String verificationError() {
        return verificationError;
    }

    /** @return the row id once inserted, else 0 */
    public long id() {
        return id;
    }

    /** @param id the row id assigned by the database */
    public void assignId(long id) {
        this.id = id;
    }
}
