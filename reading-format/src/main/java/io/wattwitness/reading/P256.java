package io.wattwitness.reading;

import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;

/**
 * NIST P-256 (secp256r1) domain parameters and the scalar helpers of SPEC.md §3.
 */
public final class P256 {

    /** The curve parameters (BouncyCastle's constant-time custom implementation). */
    public static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256r1");
    /** Domain parameters for BouncyCastle signers and verifiers. */
    public static final ECDomainParameters DOMAIN =
            new ECDomainParameters(CURVE.getCurve(), CURVE.getG(), CURVE.getN(), CURVE.getH());
    /** The group order n. */
    public static final BigInteger N = CURVE.getN();
    /** n / 2: a signature is low-S when s ≤ HALF_N. */
    public static final BigInteger HALF_N = N.shiftRight(1);
    /** Length of a raw r‖s signature in bytes. */
    public static final int SIGNATURE_LENGTH = 64;
    /** Length of a raw X‖Y public key in bytes. */
    public static final int PUBLIC_KEY_LENGTH = 64;

    private P256() {
    }

    /**
     * Encodes a scalar as exactly 32 big-endian bytes.
     *
     * @param value 0 ≤ value < 2^256
     * @return 32 bytes
     */
    public static byte[] to32Bytes(BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[32];
        if (raw.length > 33 || (raw.length == 33 && raw[0] != 0)) {
            throw new IllegalArgumentException("value does not fit in 32 bytes");
        }
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
        return out;
    }

    /**
     * Joins r and s into the raw 64-byte signature of the ATECC608A {@code Sign} command.
     *
     * @param r the r scalar
     * @param s the s scalar
     * @return r‖s, 64 bytes
     */
    public static byte[] rawSignature(BigInteger r, BigInteger s) {
        byte[] out = new byte[SIGNATURE_LENGTH];
        System.arraycopy(to32Bytes(r), 0, out, 0, 32);
        System.arraycopy(to32Bytes(s), 0, out, 32, 32);
        return out;
    }

    /**
     * Returns the low-S form of a raw signature (SPEC.md §3.2): s is replaced by n − s when s > n/2.
     *
     * @param signature raw r‖s, 64 bytes
     * @return a new array holding r‖min(s, n−s)
     * @throws IllegalArgumentException if the signature is not 64 bytes
     */
    public static byte[] toLowS(byte[] signature) {
        if (signature.length != SIGNATURE_LENGTH) {
            throw new IllegalArgumentException("signature must be 64 bytes");
        }
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, 32));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
        return rawSignature(r, s.compareTo(HALF_N) > 0 ? N.subtract(s) : s);
    }

    /**
     * @param signature raw r‖s, 64 bytes
     * @return whether s ≤ n/2
     */
    public static boolean isLowS(byte[] signature) {
        return new BigInteger(1, Arrays.copyOfRange(signature, 32, 64)).compareTo(HALF_N) <= 0;
    }
}
