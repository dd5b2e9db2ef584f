package io.wattwitness.reading;

/**
 * A message, signature or key that breaks the reading format (SPEC.md §2–§3).
 * <p>
 * {@link #code()} is the stable machine-readable reason used in the vectors ({@code expected.error}),
 * in quarantine records and in API problem bodies; {@link #field()} names the offending field.
 */
public class ReadingFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Stable reason codes, as written in {@code vectors/readings.jsonl}. */
    public enum Code {
        /** The message is not exactly 52 bytes. */
        MESSAGE_LENGTH("message_length"),
        /** The first three bytes are not ASCII {@code WWR}. */
        MAGIC("magic"),
        /** The version byte is not {@code 0x01}. */
        VERSION("version"),
        /** A flags bit other than bits 0–2 is set. */
        RESERVED_FLAGS("reserved_flags"),
        /** The energy register exceeds 2^63−1 mWh. */
        ENERGY_RANGE("energy_range"),
        /** The device id is not the first 8 bytes of SHA-256 of the key. */
        DEVICE_ID_MISMATCH("device_id_mismatch"),
        /** The signature is not 64 bytes. */
        SIGNATURE_LENGTH("signature_length"),
        /** r or s is outside [1, n−1]. */
        SIGNATURE_RANGE("signature_range"),
        /** The signature does not verify under the key. */
        BAD_SIGNATURE("bad_signature"),
        /** The public key is not 64 bytes or not on the P-256 curve. */
        KEY_NOT_ON_CURVE("key_not_on_curve");

        private final String wire;

        Code(String wire) {
            this.wire = wire;
        }

        /** @return the lowercase reason string used on the wire and in the vectors */
        public String wire() {
            return wire;
        }
    }

    private final Code code;
    private final String field;
    private final String detail;

    /**
     * @param code the stable reason
     * @param field the offending field name as in SPEC.md (e.g. {@code flags}, {@code signature})
     * @param message a human-readable explanation
     */
    public ReadingFormatException(Code code, String field, String message) {
        super(field + ": " + message);
        this.code = code;
        this.field = field;
        this.detail = message;
    }

    /** @return the stable reason */
    public Code code() {
        return code;
    }

    /** @return the offending field, as named in SPEC.md */
    public String field() {
        return field;
    }

    /** @return the explanation without the field name (the message is {@code field: detail}) */
    public String detail() {
        return detail;
    }
}
