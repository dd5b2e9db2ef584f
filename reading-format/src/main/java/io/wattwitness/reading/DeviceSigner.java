package io.wattwitness.reading;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;

/**
 * A software stand-in for the ATECC608A {@code Sign} command, for the device simulator and tests (SPEC.md §3.2).
 * Signatures are deterministic (RFC 6979, HMAC-SHA-256) and low-S, raw r‖s. Thread-safe.
 */
public final class DeviceSigner {

    private final BigInteger privateKey;
    private final DeviceKey publicKey;

    /**
     * @param privateKey the private scalar d, 1 ≤ d ≤ n−1
     * @throws IllegalArgumentException if d is out of range
     */
    public DeviceSigner(BigInteger privateKey) {
        if (privateKey.signum() <= 0 || privateKey.compareTo(P256.N) >= 0) {
            throw new IllegalArgumentException("private key must be in [1, n-1]");
        }
        this.privateKey = privateKey;
        ECPoint q = P256.DOMAIN.getG().multiply(privateKey).normalize();
        byte[] xy = new byte[64];
        System.arraycopy(P256.to32Bytes(q.getAffineXCoord().toBigInteger()), 0, xy, 0, 32);
        System.arraycopy(P256.to32Bytes(q.getAffineYCoord().toBigInteger()), 0, xy, 32, 32);
        try {
            this.publicKey = DeviceKey.of(xy);
        } catch (ReadingFormatException e) {
            throw new IllegalStateException("a derived public key is always on the curve", e);
        }
    }

    /**
     * Generates a fresh key pair.
     *
     * @param random the randomness source
     * @return a signer holding the new key
     */
    public static DeviceSigner generate(SecureRandom random) {
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(P256.DOMAIN, random));
        AsymmetricCipherKeyPair pair = generator.generateKeyPair();
        return new DeviceSigner(((ECPrivateKeyParameters) pair.getPrivate()).getD());
    }

    /**
     * Signs SHA-256(message) (SPEC.md §3.2).
     *
     * @param message the bytes to sign, normally a 52-byte {@link ReadingMessage}
     * @return raw low-S r‖s, 64 bytes
     */
    public byte[] sign(byte[] message) {
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, new ECPrivateKeyParameters(privateKey, P256.DOMAIN));
        BigInteger[] rs = signer.generateSignature(ReadingMessage.digest(message));
        BigInteger s = rs[1].compareTo(P256.HALF_N) > 0 ? P256.N.subtract(rs[1]) : rs[1];
        return P256.rawSignature(rs[0], s);
    }

    /** @return the private scalar d */
    public BigInteger privateKey() {
        return privateKey;
    }

    /** @return the public key */
    public DeviceKey publicKey() {
        return publicKey;
    }
}
