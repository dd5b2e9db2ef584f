package io.wattwitness.verify.service;

/**
 * A reading the current batch will insert into {@code readings}. Its status can still turn to {@code disputed}
 * when a conflicting message for the same identity arrives later in the same batch; the id is set once the row
 * is inserted. Confined to the batch being processed.
 */
public final class PendingReading {

    /** Status of a clean reading. */
    public static final String VERIFIED = "verified";
    /** Status of a reading with an energy-register anomaly (stored, not anchored). */
    public static final String ANOMALY = "anomaly";
    /** Status of a reading with a conflicting message for its identity (stored, never anchored). */
    public static final String DISPUTED = "disputed";

    private final Checked.Accepted candidate;
    private String status;
    private String verificationError;
    private long id;

    /**
     * @param candidate the verified reading
     * @param status {@link #VERIFIED} or {@link #ANOMALY}
     * @param verificationError null for verified, the anomaly code otherwise
     */
    public PendingReading(Checked.Accepted candidate, String status, String verificationError) {
        this.candidate = candidate;
        this.status = status;
        this.verificationError = verificationError;
    }

    /** Marks the reading disputed (equivocation inside the batch). */
    public void dispute() {
        status = DISPUTED;
        verificationError = ReadingRules.EQUIVOCATION;
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
