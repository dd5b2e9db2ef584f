package io.wattwitness.query.service.attestation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.wattwitness.query.TestCa;
import io.wattwitness.query.service.attestation.AttestationFailure.Reason;
import io.wattwitness.reading.DeviceSigner;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttestationCheckerTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final TestCa CA = TestCa.trusted();
    private static final AttestationChecker CHECKER = new AttestationChecker(List.of(CA.root()));

    private final DeviceSigner device = DeviceSigner.generate(RANDOM);

    private static AttestationFailure refused(List<String> chain, byte[] key) {
        return assertThrows(AttestationFailure.class, () -> CHECKER.check(chain, key, Instant.now()));
    }

    @Test
    void deviceAndSignerVerifyToTheAnchor() throws AttestationFailure {
        X509CertificateHolder certificate = CA.device(device.publicKey());
        Instant at = Instant.now();
        AttestationVerdict verdict = CHECKER.check(List.of(TestCa.pem(certificate), TestCa.pem(CA.signer())),
                device.publicKey().raw(), at);
        assertEquals("o=Test Meter Makers,cn=sn0123" + device.publicKey().deviceIdHex().substring(0, 8),
                verdict.deviceSubject());
        assertEquals(certificate.getSerialNumber().toString(16), verdict.serial());
        assertEquals("o=Test Meter Makers,cn=Test Crypto Authentication Root CA", verdict.anchorSubject());
        assertEquals(at, verdict.checkedAt());
        assertEquals(List.of(verdict.anchorSubject()), CHECKER.anchorSubjects());
    }

    @Test
    void theRootMayEndTheChain() throws AttestationFailure {
        AttestationVerdict verdict = CHECKER.check(List.of(TestCa.pem(CA.device(device.publicKey())),
                TestCa.pem(CA.signer()), TestCa.pem(CA.root())), device.publicKey().raw(), Instant.now());
        assertEquals("o=Test Meter Makers,cn=Test Crypto Authentication Root CA", verdict.anchorSubject());
    }

    @Test
    void aCertificateOfAnotherKeyIsAKeyMismatch() {
        DeviceSigner other = DeviceSigner.generate(RANDOM);
        AttestationFailure failure = refused(List.of(TestCa.pem(CA.device(other.publicKey())), TestCa.pem(CA.signer())),
                device.publicKey().raw());
        assertEquals(Reason.KEY_MISMATCH, failure.reason());
        assertEquals("key_mismatch", failure.reason().code());
        assertEquals("certificates[0]", failure.member());
    }

    @Test
    void validityIsCheckedAtTheGivenTime() {
        Instant now = Instant.now();
        List<String> expired = List.of(TestCa.pem(CA.device(device.publicKey(), now.minusSeconds(7200),
                now.minusSeconds(3600))), TestCa.pem(CA.signer()));
        AttestationFailure failure = refused(expired, device.publicKey().raw());
        assertEquals(Reason.EXPIRED, failure.reason());
        assertEquals("certificates[0]", failure.member());

        List<String> future = List.of(TestCa.pem(CA.device(device.publicKey(), now.plusSeconds(3600),
                now.plusSeconds(7200))), TestCa.pem(CA.signer()));
        failure = refused(future, device.publicKey().raw());
        assertEquals(Reason.NOT_YET_VALID, failure.reason());
        assertEquals("certificates[0]", failure.member());

        X509CertificateHolder expiredSigner = TestCa.issue(CA.signerSubject(), CA.signerKey().publicKey(),
                CA.rootSubject(), new DeviceSigner(BigInteger.valueOf(TestCa.TRUSTED_SEED).shiftLeft(64)
                        .add(BigInteger.ONE)), now.minusSeconds(7200), now.minusSeconds(3600), true);
        failure = refused(List.of(TestCa.pem(CA.device(device.publicKey())), TestCa.pem(expiredSigner)),
                device.publicKey().raw());
        assertEquals(Reason.EXPIRED, failure.reason());
        assertEquals("certificates[1]", failure.member());
    }

    @Test
    void anotherManufacturersRootIsUntrusted() {
        TestCa other = new TestCa(0x0bad_0002L, "Other");
        AttestationFailure failure = refused(List.of(TestCa.pem(other.device(device.publicKey())),
                TestCa.pem(other.signer())), device.publicKey().raw());
        assertEquals(Reason.UNTRUSTED_ROOT, failure.reason());
        assertEquals("certificates[1]", failure.member());

        // a root of the same name but another key does not help either
        TestCa impostor = new TestCa(0x0bad_0003L, "Test");
        failure = refused(List.of(TestCa.pem(impostor.device(device.publicKey())), TestCa.pem(impostor.signer()),
                TestCa.pem(impostor.root())), device.publicKey().raw());
        assertEquals(Reason.UNTRUSTED_ROOT, failure.reason());
        assertEquals("certificates[2]", failure.member());
    }

    @Test
    void brokenLinksDoNotVerify() {
        // a device certificate that names the signer but is signed by another key
        TestCa other = new TestCa(0x0bad_0004L, "Test");
        AttestationFailure failure = refused(List.of(TestCa.pem(other.device(device.publicKey())),
                TestCa.pem(CA.signer())), device.publicKey().raw());
        assertEquals(Reason.CHAIN_DOES_NOT_VERIFY, failure.reason());
        assertEquals("certificates[0]", failure.member());

        // signer first: its issuer is the root, not the certificate that follows
        failure = refused(List.of(TestCa.pem(CA.device(device.publicKey())), TestCa.pem(CA.root()),
                TestCa.pem(CA.signer())), device.publicKey().raw());
        assertEquals(Reason.CHAIN_DOES_NOT_VERIFY, failure.reason());
        assertEquals("certificates[0]", failure.member());

        // a device certificate cannot sign another one
        DeviceSigner second = DeviceSigner.generate(RANDOM);
        X509CertificateHolder leaf = CA.device(device.publicKey());
        X509CertificateHolder below = TestCa.issue(new X500Name("CN=below"), second.publicKey(), leaf.getSubject(),
                device, Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600), false);
        failure = refused(List.of(TestCa.pem(below), TestCa.pem(leaf), TestCa.pem(CA.signer())),
                second.publicKey().raw());
        assertEquals(Reason.CHAIN_DOES_NOT_VERIFY, failure.reason());
        assertEquals("certificates[1]", failure.member());
    }

    @Test
    void malformedMembersAreNamed() {
        String good = TestCa.pem(CA.device(device.publicKey()));
        for (String bad : new String[] {"", "not a certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            good + TestCa.pem(CA.signer())}) {
            AttestationFailure failure = refused(List.of(good, bad), device.publicKey().raw());
            assertEquals(Reason.MALFORMED_CERTIFICATE, failure.reason(), bad);
            assertEquals("certificates[1]", failure.member(), bad);
        }
        AttestationFailure failure = refused(List.of(), device.publicKey().raw());
        assertEquals(Reason.MALFORMED_CERTIFICATE, failure.reason());
        assertEquals("certificates", failure.member());
        failure = refused(List.of(good, good, good, good, good), device.publicKey().raw());
        assertEquals("certificates", failure.member());
    }

    @Test
    void anchorsAreReadFromAPemFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("roots.pem");
        TestCa other = new TestCa(0x0bad_0005L, "Other");
        Files.writeString(file, TestCa.pem(CA.root(), other.root()));
        AttestationChecker checker = AttestationChecker.fromPemFile(file);
        assertEquals(List.of("o=Test Meter Makers,cn=Test Crypto Authentication Root CA",
                "o=Other Meter Makers,cn=Other Crypto Authentication Root CA"), checker.anchorSubjects());

        assertThrows(IllegalArgumentException.class,
                () -> AttestationChecker.readCertificates(new StringReader(""), "empty.pem"));
        // a public key is not a certificate
        Files.writeString(file, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(CA.root().getSubjectPublicKeyInfo().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                () -> AttestationChecker.fromPemFile(file));
        assertEquals(file + " holds a SubjectPublicKeyInfo where only CERTIFICATE blocks are allowed",
                failure.getMessage());
    }
}
