package io.wattwitness.query.service.attestation;

import io.wattwitness.query.service.attestation.AttestationFailure.Reason;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.cert.CertificateException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.RFC4519Style;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.CertException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * Checks the certificate chain a device sends with its registration (ATECC608A Trust&amp;GO layout: device
 * certificate first, then its signer; the manufacturer's root may follow) against configured trust anchors, with
 * BouncyCastle. Plain Java, thread-safe, no I/O after construction.
 *
 * <p>Rules, in this order (the first failure is reported): every member is exactly one PEM X.509 certificate
 * ({@code malformed_certificate}); the device certificate's key is a P-256 key equal to the registered raw X‖Y
 * ({@code key_mismatch}); every certificate of the chain is valid at the check time ({@code not_yet_valid},
 * {@code expired}); each certificate names the next as issuer and carries its ECDSA signature (SHA-256/384/512),
 * and every certificate after the first is a CA (basic constraints, keyCertSign when key usage is present, path
 * length) ({@code chain_does_not_verify}); the last certificate is a configured anchor or is signed by one whose
 * subject is its issuer ({@code untrusted_root}). Standards: RFC 5280 (X.509), SEC 1 and RFC 5480 (EC keys).
 */
public final class AttestationChecker {

    /** Most certificates accepted in one chain. */
    public static final int MAX_CERTIFICATES = 4;
    /** Most characters accepted in one PEM member. */
    public static final int MAX_PEM_CHARS = 8192;

    private static final Provider BC = new BouncyCastleProvider();
    private static final Set<ASN1ObjectIdentifier> ECDSA = Set.of(X9ObjectIdentifiers.ecdsa_with_SHA256,
            X9ObjectIdentifiers.ecdsa_with_SHA384, X9ObjectIdentifiers.ecdsa_with_SHA512);

    private final List<X509CertificateHolder> anchors;

    /**
     * @param anchors trust anchors (the manufacturers' root certificates), at least one
     */
    public AttestationChecker(List<X509CertificateHolder> anchors) {
        if (anchors.isEmpty()) {
            throw new IllegalArgumentException("at least one trust anchor is required");
        }
        this.anchors = List.copyOf(anchors);
    }

    /**
     * Loads the trust anchors from a PEM file of one or more {@code CERTIFICATE} blocks.
     *
     * @param file PEM file
     * @return the checker
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when it holds anything but certificates, or none
     */
    public static AttestationChecker fromPemFile(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            return new AttestationChecker(readCertificates(reader, file.toString()));
        }
    }

    /**
     * @param reader PEM text
     * @param source name for error messages
     * @return every certificate in it, in order
     * @throws IOException when the text is not PEM
     * @throws IllegalArgumentException when a block is not a certificate, or there is none
     */
    public static List<X509CertificateHolder> readCertificates(Reader reader, String source) throws IOException {
        List<X509CertificateHolder> certificates = new ArrayList<>();
        try (PEMParser parser = new PEMParser(reader)) {
            for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
                if (!(item instanceof X509CertificateHolder certificate)) {
                    throw new IllegalArgumentException(source + " holds a " + item.getClass().getSimpleName()
                            + " where only CERTIFICATE blocks are allowed");
                }
                certificates.add(certificate);
            }
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(source + " holds no PEM CERTIFICATE block");
        }
        return certificates;
    }

    /** @return the configured anchors' subjects */
    public List<String> anchorSubjects() {
        return anchors.stream().map(anchor -> name(anchor.getSubject())).toList();
    }

    /**
     * Checks a chain for a registered key.
     *
     * @param pems PEM certificates, device certificate first, then its signer(s); 1 to {@link #MAX_CERTIFICATES}
     * @param registeredKey the registered P-256 key, raw X‖Y (64 bytes, SPEC.md §3.1)
     * @param at the check time
     * @return the verdict
     * @throws AttestationFailure with the first rule the chain breaks and the member concerned
     */
    public AttestationVerdict check(List<String> pems, byte[] registeredKey, Instant at) throws AttestationFailure {
        if (pems.isEmpty() || pems.size() > MAX_CERTIFICATES) {
            throw new AttestationFailure(Reason.MALFORMED_CERTIFICATE, "certificates",
                    "must hold 1 to " + MAX_CERTIFICATES + " certificates, device certificate first");
        }
        List<X509CertificateHolder> chain = new ArrayList<>();
        for (int i = 0; i < pems.size(); i++) {
            chain.add(parse(pems.get(i), member(i)));
        }
        X509CertificateHolder device = chain.get(0);
        byte[] deviceKey = rawP256Key(device.getSubjectPublicKeyInfo());
        if (!Arrays.equals(deviceKey, registeredKey)) {
            throw new AttestationFailure(Reason.KEY_MISMATCH, member(0),
                    "the device certificate's public key is not the registered public_key");
        }
        for (int i = 0; i < chain.size(); i++) {
            X509CertificateHolder certificate = chain.get(i);
            if (at.isBefore(certificate.getNotBefore().toInstant())) {
                throw new AttestationFailure(Reason.NOT_YET_VALID, member(i),
                        "is valid only from " + certificate.getNotBefore().toInstant() + " (checked at " + at + ")");
            }
            if (at.isAfter(certificate.getNotAfter().toInstant())) {
                throw new AttestationFailure(Reason.EXPIRED, member(i),
                        "expired at " + certificate.getNotAfter().toInstant() + " (checked at " + at + ")");
            }
        }
        for (int i = 0; i + 1 < chain.size(); i++) {
            X509CertificateHolder issuer = chain.get(i + 1);
            requireCa(issuer, i + 1);
            if (!chain.get(i).getIssuer().equals(issuer.getSubject())) {
                throw new AttestationFailure(Reason.CHAIN_DOES_NOT_VERIFY, member(i), "names issuer "
                        + name(chain.get(i).getIssuer()) + " but the next certificate is " + name(issuer.getSubject()));
            }
            if (!signedBy(chain.get(i), issuer)) {
                throw new AttestationFailure(Reason.CHAIN_DOES_NOT_VERIFY, member(i),
                        "does not carry a valid ECDSA signature by the key of " + member(i + 1));
            }
        }
        X509CertificateHolder last = chain.get(chain.size() - 1);
        X509CertificateHolder anchor = anchorFor(last);
        if (anchor == null) {
            throw new AttestationFailure(Reason.UNTRUSTED_ROOT, member(chain.size() - 1), "issuer "
                    + name(last.getIssuer()) + " is not a configured trust anchor, or none of them signed it");
        }
        return new AttestationVerdict(name(device.getSubject()), device.getSerialNumber().toString(16),
                name(anchor.getSubject()), at);
    }

    private X509CertificateHolder anchorFor(X509CertificateHolder last) {
        for (X509CertificateHolder anchor : anchors) {
            if (anchor.equals(last)) {
                return anchor;
            }
        }
        for (X509CertificateHolder anchor : anchors) {
            if (anchor.getSubject().equals(last.getIssuer()) && signedBy(last, anchor)) {
                return anchor;
            }
        }
        return null;
    }

    private static X509CertificateHolder parse(String pem, String member) throws AttestationFailure {
        if (pem == null || pem.isBlank() || pem.length() > MAX_PEM_CHARS) {
            throw new AttestationFailure(Reason.MALFORMED_CERTIFICATE, member,
                    "must be one PEM CERTIFICATE block of at most " + MAX_PEM_CHARS + " characters");
        }
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object first = parser.readObject();
            if (!(first instanceof X509CertificateHolder certificate) || parser.readObject() != null) {
                throw new AttestationFailure(Reason.MALFORMED_CERTIFICATE, member,
                        "must be exactly one PEM CERTIFICATE block");
            }
            return certificate;
        } catch (IOException | RuntimeException e) {
            throw new AttestationFailure(Reason.MALFORMED_CERTIFICATE, member,
                    "is not a readable PEM X.509 certificate (" + e.getMessage() + ")");
        }
    }

    /** The uncompressed point of a P-256 key, without the 0x04 prefix (64 bytes). */
    private static byte[] rawP256Key(SubjectPublicKeyInfo info) throws AttestationFailure {
        AlgorithmIdentifier algorithm = info.getAlgorithm();
        if (!X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm.getAlgorithm())
                || !X9ObjectIdentifiers.prime256v1.equals(algorithm.getParameters())) {
            throw new AttestationFailure(Reason.MALFORMED_CERTIFICATE, member(0),
                    "the device certificate's key is not a P-256 (prime256v1) EC key");
        }
        try {
            byte[] encoded = CustomNamedCurves.getByName("secp256r1").getCurve()
                    .decodePoint(info.getPublicKeyData().getOctets()).getEncoded(false);
            return Arrays.copyOfRange(encoded, 1, encoded.length);
        } catch (RuntimeException e) {
            throw new AttestationFailure(Reason.MALFORMED_CERTIFICATE, member(0),
                    "the device certificate's key is not a point on P-256 (" + e.getMessage() + ")");
        }
    }

    private static void requireCa(X509CertificateHolder certificate, int index) throws AttestationFailure {
        BasicConstraints constraints = BasicConstraints.fromExtensions(certificate.getExtensions());
        if (constraints == null || !constraints.isCA()) {
            throw new AttestationFailure(Reason.CHAIN_DOES_NOT_VERIFY, member(index),
                    "signs another certificate but is not a CA (basic constraints)");
        }
        BigInteger pathLength = constraints.getPathLenConstraint();
        if (pathLength != null && pathLength.compareTo(BigInteger.valueOf(index - 1L)) < 0) {
            throw new AttestationFailure(Reason.CHAIN_DOES_NOT_VERIFY, member(index),
                    "its path length constraint " + pathLength + " does not allow " + (index - 1)
                            + " CA certificates below it");
        }
        KeyUsage usage = KeyUsage.fromExtensions(certificate.getExtensions());
        if (usage != null && !usage.hasUsages(KeyUsage.keyCertSign)) {
            throw new AttestationFailure(Reason.CHAIN_DOES_NOT_VERIFY, member(index),
                    "its key usage does not allow signing certificates (keyCertSign)");
        }
    }

    private static boolean signedBy(X509CertificateHolder certificate, X509CertificateHolder issuer) {
        if (!ECDSA.contains(certificate.getSignatureAlgorithm().getAlgorithm())) {
            return false;
        }
        try {
            return certificate.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(BC).build(issuer));
        } catch (CertException | OperatorCreationException | CertificateException | RuntimeException e) {
            return false;
        }
    }

    private static String name(X500Name name) {
        return X500Name.getInstance(RFC4519Style.INSTANCE, name).toString();
    }

    private static String member(int index) {
        return "certificates[" + index + "]";
    }
}
