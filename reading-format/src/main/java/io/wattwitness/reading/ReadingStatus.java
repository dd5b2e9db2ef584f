package io.wattwitness.reading;

/**
 * The verdict stored with every reading in {@code readings.status} (schema V1, constraint {@code readings_status}) and
 * carried by the API and the {@code readings.verified} events. Every reading with this column was signed under a
 * key registered for its device (SPEC.md §3); the status says whether it may be anchored.
 *
 * <p>The wire and database word is {@link #word()}, lowercase; the schema's CHECK constraint admits exactly the
 * three words below. "Late" (SPEC.md §8) is not a status: a late reading keeps one of these.
 */
public enum ReadingStatus {

    /** {@code verified}: clean; the only status that is sealed into a batch and anchored (SPEC.md §5). */
    VERIFIED("verified"),
    /**
     * {@code disputed}: a second, different message with the same identity (device id, boot, seq) was validly
     * signed (an equivocation, SPEC.md §3.3); both are kept and neither is ever anchored. Its reason is in
     * {@code readings.verification_error}.
     */
    DISPUTED("disputed"),
    /**
     * {@code anomaly}: validly signed but breaking a plausibility rule (e.g. the energy register); stored, counted in
     * energy, held back from anchoring. Its reason is in {@code readings.verification_error}.
     */
    ANOMALY("anomaly");

    private final String word;

    ReadingStatus(String word) {
        this.word = word;
    }

    /** @return the lowercase word stored in {@code readings.status} and sent on the wire */
    public String word() {
        return word;
    }

    /**
     * @param word a status word as stored or sent ({@code verified}, {@code disputed}, {@code anomaly}); exact,
     *             lowercase
     * @return its status
     * @throws IllegalArgumentException when the word is null or not one of the three, naming the word
     */
    public static ReadingStatus fromWord(String word) {
        if (word != null) {
            for (ReadingStatus status : values()) {
                if (status.word.equals(word)) {
                    return status;
                }
            }
        }
        throw new IllegalArgumentException("unknown reading status " + (word == null ? "null" : "'" + word + "'")
                + ": expected one of verified, disputed, anomaly");
    }
}
