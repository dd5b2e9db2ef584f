package io.wattwitness.reading;

import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;

/**
 * Checks a signed reading against a device key (SPEC.md §3): strict decoding, device id bound to the key,
 * signature length and range, ECDSA P-256 over SHA-256(message). High-S signatures are accepted and
 * returned in their low-S form, which is what is stored and hashed. Stateless and thread-safe.
 */
public final class ReadingVerifier {

    private ReadingVerifier() {
    }

    /**
     * Verifies a reading.
     *
     * @param key the registered device key (reuse one instance per device for speed)
     * @param message the 52-byte message
     * @param signature raw r‖s, 64 bytes
     * @return the decoded reading and its low-S signature
     * @throws ReadingFormatException with the first failing rule, in this order: {@code MESSAGE_LENGTH},
     *         {@code MAGIC}, {@code VERSION}, {@code ENERGY_RANGE}, {@code RESERVED_FLAGS} (decoding),
     *         {@code DEVICE_ID_MISMATCH}, {@code SIGNATURE_LENGTH}, {@code SIGNATURE_RANGE}, {@code BAD_SIGNATURE}
     */
    public static VerifiedReading verify(DeviceKey key, byte[] message, byte[] signature)
            throws ReadingFormatException {
        ReadingMessage reading = ReadingMessage.decode(message);
        if (reading.deviceId() != key.deviceId()) {
            throw new ReadingFormatException(ReadingFormatException.Code.DEVICE_ID_MISMATCH, "device_id",
                    "message names device " + reading.deviceIdHex() + " but the key is device " + key.deviceIdHex());
        }
        byte[] lowS = checkSignature(key, message, signature);
        return new VerifiedReading(reading, message.clone(), lowS, !Arrays.equals(lowS, signature));
    }

    /**
     * Checks only the signature over arbitrary bytes (SPEC.md §3.2).
     *
     * @param key the device key
     * @param message the signed bytes; SHA-256 of them is the digest
     * @param signature raw r‖s
     * @return the low-S form of the signature
     * @throws ReadingFormatException {@code SIGNATURE_LENGTH}, {@code SIGNATURE_RANGE} or {@code BAD_SIGNATURE}
     */
    public static byte[] checkSignature(DeviceKey key, byte[] message, byte[] signature)
            throws ReadingFormatException {
        if (signature == null || signature.length != P256.SIGNATURE_LENGTH) {
            throw new ReadingFormatException(ReadingFormatException.Code.SIGNATURE_LENGTH, "signature",
                    "expected 64 bytes r||s, got " + (signature == null ? 0 : signature.length));
        }
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, 32));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
        if (r.signum() == 0 || r.compareTo(P256.N) >= 0) {
            throw new ReadingFormatException(ReadingFormatException.Code.SIGNATURE_RANGE, "signature",
                    "r is outside [1, n-1]");
        }
        if (s.signum() == 0 || s.compareTo(P256.N) >= 0) {
            throw new ReadingFormatException(ReadingFormatException.Code.SIGNATURE_RANGE, "signature",
                    "s is outside [1, n-1]");
        }
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, new ECPublicKeyParameters(key.point(), P256.DOMAIN));
        if (!verifier.verifySignature(ReadingMessage.digest(message), r, s)) {
            throw new ReadingFormatException(ReadingFormatException.Code.BAD_SIGNATURE, "signature",
                    "signature does not verify under the device key");
        }
        return s.compareTo(P256.HALF_N) > 0 ? P256.rawSignature(r, P256.N.subtract(s)) : signature.clone();
    }
}
