package io.wattwitness.reading;

import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.math.ec.ECPoint;

/**
 * A device's P-256 public key (SPEC.md §3.1): raw X‖Y, 64 bytes, validated to lie on the curve.
 * <p>
 * Instances keep the decoded curve point; BouncyCastle caches its multiplication tables on that point,
 * so verifiers that hold one {@code DeviceKey} per registered device (rather than decoding the key for
 * every reading) verify faster. Immutable and thread-safe.
 */
public final class DeviceKey {

    private final byte[] raw;
    private final ECPoint point;
    private final long deviceId;

    private DeviceKey(byte[] raw, ECPoint point) {
        this.raw = raw;
        this.point = point;
        this.deviceId = deviceIdOf(raw);
    }

    /**
     * Parses and validates a raw public key.
     *
     * @param xy X‖Y, 64 bytes, big-endian coordinates
     * @return the key
     * @throws ReadingFormatException with code {@code KEY_NOT_ON_CURVE} when the length is wrong,
     *         a coordinate is ≥ p, the point is not on P-256 or is the point at infinity
     */
    public static DeviceKey of(byte[] xy) throws ReadingFormatException {
        if (xy == null || xy.length != P256.PUBLIC_KEY_LENGTH) {
            throw new ReadingFormatException(ReadingFormatException.Code.KEY_NOT_ON_CURVE, "public_key",
                    "expected 64 bytes X||Y, got " + (xy == null ? 0 : xy.length));
        }
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(xy, 0, 32));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(xy, 32, 64));
        try {
            ECPoint point = P256.CURVE.getCurve().validatePoint(x, y);
            return new DeviceKey(xy.clone(), point);
        } catch (IllegalArgumentException e) {
            throw new ReadingFormatException(ReadingFormatException.Code.KEY_NOT_ON_CURVE, "public_key",
                    "point is not on the P-256 curve");
        }
    }

    /**
     * Parses a key given as 128 hex characters.
     *
     * @param hex X‖Y in hex, either case
     * @return the key
     * @throws ReadingFormatException {@code KEY_NOT_ON_CURVE} for bad hex, length or point
     */
    public static DeviceKey ofHex(String hex) throws ReadingFormatException {
        if (!Hex.isHex(hex, 2 * P256.PUBLIC_KEY_LENGTH)) {
            throw new ReadingFormatException(ReadingFormatException.Code.KEY_NOT_ON_CURVE, "public_key",
                    "expected 128 hex characters");
        }
        return of(Hex.decode(hex));
    }

    /**
     * Device id of a key (SPEC.md §2): the first 8 bytes of SHA-256(X‖Y).
     *
     * @param xy the raw 64-byte key
     * @return the device id as a big-endian long
     */
    public static long deviceIdOf(byte[] xy) {
        byte[] digest = ReadingMessage.digest(xy);
        long id = 0;
        for (int i = 0; i < 8; i++) {
            id = (id << 8) | (digest[i] & 0xff);
        }
        return id;
    }

    /** @return a copy of X‖Y, 64 bytes */
    public byte[] raw() {
        return raw.clone();
    }

    /** @return X‖Y as 128 lowercase hex characters */
    public String hex() {
        return Hex.encode(raw);
    }

    /** @return the device id derived from this key */
    public long deviceId() {
        return deviceId;
    }

    /** @return the device id as 16 lowercase hex characters */
    public String deviceIdHex() {
        return Hex.ofLong(deviceId);
    }

    /** @return the validated curve point */
    public ECPoint point() {
        return point;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DeviceKey key && Arrays.equals(raw, key.raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return "DeviceKey[" + deviceIdHex() + "]";
    }
}
