package io.wattwitness.query.service.attestation;

import java.util.Locale;

/**
 * A certificate chain that cannot attest a device key: the reason code, the offending body member
 * ({@code certificates} or {@code certificates[i]}) and a human-readable detail.
 */
public class AttestationFailure extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a chain was refused; {@link #code()} is the stable API code. */
    public enum Reason {
        /** A member is not exactly one PEM X.509 certificate, or the device key is not a P-256 key. */
        MALFORMED_CERTIFICATE,
        /** The device certificate's public key is not the registered key. */
        KEY_MISMATCH,
        /** A certificate's notAfter is before the check time. */
        EXPIRED,
        /** A certificate's notBefore is after the check time. */
        NOT_YET_VALID,
        /** A certificate is not signed (ECDSA) by the next one's key, names another issuer, or the next is no CA. */
        CHAIN_DOES_NOT_VERIFY,
        /** The last certificate is not signed by any configured trust anchor. */
        UNTRUSTED_ROOT,
        /** No trust anchor is configured. */
        ATTESTATION_DISABLED;

        /** @return the lowercase code used in API problems, e.g. {@code key_mismatch} */
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;
    private final String member;

    /**
     * @param reason reason
     * @param member offending body member, e.g. {@code certificates[1]}
     * @param detail explanation
     */
    public AttestationFailure(Reason reason, String member, String detail) {
        super(detail);
        this.reason = reason;
        this.member = member;
    }

    /** @return the reason */
    public Reason reason() {
        return reason;
    }

    /** @return the offending body member */
    public String member() {
        return member;
    }
}
