package io.wattwitness.query;

import io.wattwitness.reading.DeviceKey;
import io.wattwitness.reading.DeviceSigner;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * A test certificate authority made in the tests with BouncyCastle's X509v3CertificateBuilder, in the ATECC608A
 * Trust&amp;GO shape: root → signer → device, P-256 keys, ECDSA with SHA-256. A CA's key comes from a seed, so the
 * same CA can be rebuilt in the test JVM and in a test resource without sharing state.
 */
public final class TestCa {

    /** Seed of the CA whose root the Quarkus tests configure as trust anchor. */
    public static final long TRUSTED_SEED = 0x5eed_0001L;

    private static final ECParameterSpec P256 = p256();
    private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime() & 0xffff_ffffL);

    private final DeviceSigner rootKey;
    private final DeviceSigner signerKey;
    private final String name;
    private final X509CertificateHolder root;
    private final X509CertificateHolder signer;

    /**
     * @param seed key seed; the same seed gives the same keys and names
     * @param name distinguishes the CA's subjects, e.g. "Test"
     */
    public TestCa(long seed, String name) {
        this.name = name;
        this.rootKey = new DeviceSigner(BigInteger.valueOf(seed).shiftLeft(64).add(BigInteger.ONE));
        this.signerKey = new DeviceSigner(BigInteger.valueOf(seed).shiftLeft(64).add(BigInteger.TWO));
        Instant now = Instant.now();
        this.root = issue(rootSubject(), rootKey.publicKey(), rootSubject(), rootKey, now.minusSeconds(86_400 * 365L),
                now.plusSeconds(86_400 * 3650L), true);
        this.signer = issue(signerSubject(), signerKey.publicKey(), rootSubject(), rootKey,
                now.minusSeconds(86_400 * 30L), now.plusSeconds(86_400 * 3650L), true);
    }

    /** @return the CA trusted by the Quarkus tests */
    public static TestCa trusted() {
        return new TestCa(TRUSTED_SEED, "Test");
    }

    /** @return root subject */
    public X500Name rootSubject() {
        return new X500Name("CN=" + name + " Crypto Authentication Root CA,O=" + name + " Meter Makers");
    }

    /** @return signer subject */
    public X500Name signerSubject() {
        return new X500Name("CN=" + name + " Crypto Authentication Signer 2C00,O=" + name + " Meter Makers");
    }

    /** @return the self-signed root */
    public X509CertificateHolder root() {
        return root;
    }

    /** @return the signer, issued by the root */
    public X509CertificateHolder signer() {
        return signer;
    }

    /** @return the signer's key */
    public DeviceSigner signerKey() {
        return signerKey;
    }

    /**
     * @param key the device key
     * @param notBefore start of validity
     * @param notAfter end of validity
     * @return a device certificate (not a CA) issued by the signer
     */
    public X509CertificateHolder device(DeviceKey key, Instant notBefore, Instant notAfter) {
        return issue(new X500Name("CN=sn0123" + key.deviceIdHex().substring(0, 8) + ",O=" + name + " Meter Makers"),
                key, signerSubject(), signerKey, notBefore, notAfter, false);
    }

    /**
     * @param key the device key
     * @return a device certificate valid from a day ago for 10 years
     */
    public X509CertificateHolder device(DeviceKey key) {
        Instant now = Instant.now();
        return device(key, now.minusSeconds(86_400), now.plusSeconds(86_400 * 3650L));
    }

    /**
     * @param subject subject
     * @param key subject key
     * @param issuer issuer name
     * @param issuerKey issuer key
     * @param notBefore start of validity
     * @param notAfter end of validity
     * @param ca a CA certificate (basic constraints CA, keyCertSign)
     * @return the certificate
     */
    public static X509CertificateHolder issue(X500Name subject, DeviceKey key, X500Name issuer, DeviceSigner issuerKey,
            Instant notBefore, Instant notAfter, boolean ca) {
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), subject,
                    publicKey(key));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                    : KeyUsage.digitalSignature));
            return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(privateKey(issuerKey)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param certificates certificates
     * @return their PEM text, one block each, concatenated
     */
    public static String pem(X509CertificateHolder... certificates) {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            for (X509CertificateHolder certificate : certificates) {
                writer.writeObject(new JcaMiscPEMGenerator(certificate));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static PublicKey publicKey(DeviceKey key) {
        byte[] raw = key.raw();
        try {
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(
                    new BigInteger(1, Arrays.copyOfRange(raw, 0, 32)), new BigInteger(1, Arrays.copyOfRange(raw, 32, 64))),
                    P256));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey privateKey(DeviceSigner signer) {
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(signer.privateKey(), P256));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
