package io.wattwitness.query.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.wattwitness.kafka.KafkaBrokerTestResource;
import io.wattwitness.query.QueryDatabaseTestResource;
import io.wattwitness.query.TestCa;
import io.wattwitness.query.TestData;
import io.wattwitness.query.TrustAnchorTestResource;
import io.wattwitness.reading.DeviceSigner;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.RFC4519Style;
import org.bouncycastle.cert.X509CertificateHolder;
import org.junit.jupiter.api.Test;

/**
 * Registration with a certificate chain, against the root of {@link TestCa#trusted()} configured as trust anchor
 * by {@link TrustAnchorTestResource} (restricted to this class, so Quarkus starts once more for it).
 */
@QuarkusTest
@QuarkusTestResource(QueryDatabaseTestResource.class)
@QuarkusTestResource(KafkaBrokerTestResource.class)
@QuarkusTestResource(value = TrustAnchorTestResource.class, restrictToAnnotatedClass = true)
class AttestationApiTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final TestCa CA = TestCa.trusted();
    private static final TestCa OTHER = new TestCa(0x0bad_0002L, "Other");
    private static final String ANCHOR = "o=Test Meter Makers,cn=Test Crypto Authentication Root CA";

    private static Map<String, Object> body(String mac, DeviceSigner signer, List<String> certificates) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "Attested roof " + mac);
        body.put("shelly_mac", mac);
        body.put("public_key", signer.publicKey().hex());
        body.put("timezone", "Europe/Brussels");
        if (certificates != null) {
            body.put("certificates", certificates);
        }
        return body;
    }

    private static ValidatableResponse post(Map<String, Object> body) {
        return given().header("Authorization", TestData.OPERATOR).contentType(ContentType.JSON).body(body)
                .post("/api/v1/installations").then();
    }

    private static List<String> chain(X509CertificateHolder... certificates) {
        return Arrays.stream(certificates).map(TestCa::pem).toList();
    }

    private static String rfc4514(X500Name name) {
        return X500Name.getInstance(RFC4519Style.INSTANCE, name).toString();
    }

    /** A MAC the failed request must not have created: registering it without certificates creates it (201). */
    private static void assertNothingStored(String mac, DeviceSigner signer) {
        post(body(mac, signer, null)).statusCode(201).body("attestation.attested", equalTo(false));
    }

    @Test
    void validChainRegistersAnAttestedInstallation() throws Exception {
        DeviceSigner signer = DeviceSigner.generate(RANDOM);
        String mac = TestData.randomMac();
        X509CertificateHolder device = CA.device(signer.publicKey());
        Instant before = Instant.now().minusSeconds(1);
        long id = post(body(mac, signer, chain(device, CA.signer())))
                .statusCode(201)
                .body("attestation", aMapWithSize(5))
                .body("attestation.attested", equalTo(true))
                .body("attestation.device_subject", equalTo(rfc4514(device.getSubject())))
                .body("attestation.device_serial", equalTo(device.getSerialNumber().toString(16)))
                .body("attestation.anchor_subject", equalTo(ANCHOR))
                .extract().jsonPath().getLong("id");
        Instant after = Instant.now().plusSeconds(1);

        String checkedAt = given().get("/api/v1/installations/" + id).then().statusCode(200)
                .body("attestation.attested", equalTo(true))
                .body("attestation.anchor_subject", equalTo(ANCHOR))
                .body("attestation.device_subject", startsWith("o=Test Meter Makers,cn=sn0123"))
                .extract().jsonPath().getString("attestation.checked_at");
        Instant checked = Instant.parse(checkedAt);
        assertTrue(!checked.isBefore(before) && !checked.isAfter(after), checkedAt);
        given().get("/api/v1/installations").then().statusCode(200)
                .body("find { it.id == " + id + " }.attestation.anchor_subject", equalTo(ANCHOR));

        try (Connection connection = QueryDatabaseTestResource.connect();
                PreparedStatement select = connection.prepareStatement("SELECT attested, attestation_device_subject, "
                        + "attestation_device_serial, attestation_anchor_subject, attestation_checked_at "
                        + "FROM installations WHERE id = ?")) {
            select.setLong(1, id);
            try (ResultSet row = select.executeQuery()) {
                assertTrue(row.next());
                assertTrue(row.getBoolean(1));
                assertEquals(rfc4514(device.getSubject()), row.getString(2));
                assertEquals(device.getSerialNumber().toString(16), row.getString(3));
                assertEquals(ANCHOR, row.getString(4));
                assertEquals(checked, row.getTimestamp(5).toInstant());
            }
        }
    }

    @Test
    void chainEndingWithTheAnchorItselfAlsoAttests() {
        DeviceSigner signer = DeviceSigner.generate(RANDOM);
        post(body(TestData.randomMac(), signer, chain(CA.device(signer.publicKey()), CA.signer(), CA.root())))
                .statusCode(201).body("attestation.attested", equalTo(true))
                .body("attestation.anchor_subject", equalTo(ANCHOR));
    }

    @Test
    void noCertificatesRegistersNotAttested() {
        DeviceSigner signer = DeviceSigner.generate(RANDOM);
        long id = post(body(TestData.randomMac(), signer, null)).statusCode(201)
                .body("attestation", aMapWithSize(1))
                .body("attestation.attested", equalTo(false))
                .extract().jsonPath().getLong("id");
        given().get("/api/v1/installations/" + id).then().statusCode(200).body("attestation", aMapWithSize(1))
                .body("attestation.attested", equalTo(false));
    }

    @Test
    void keyMismatchIs422AttestationFailed() {
        DeviceSigner registered = DeviceSigner.generate(RANDOM);
        DeviceSigner other = DeviceSigner.generate(RANDOM);
        String mac = TestData.randomMac();
        post(body(mac, registered, chain(CA.device(other.publicKey()), CA.signer())))
                .statusCode(422).contentType(ProblemMappers.PROBLEM_JSON)
                .body("status", equalTo(422))
                .body("code", equalTo("attestation_failed"))
                .body("reason", equalTo("key_mismatch"))
                .body("field", equalTo("certificates[0]"))
                .body("detail", startsWith("certificates[0]: key_mismatch: "))
                .body("detail", containsString("registered public_key"));
        assertNothingStored(mac, registered);
    }

    @Test
    void expiredDeviceCertificateIs422() {
        DeviceSigner signer = DeviceSigner.generate(RANDOM);
        Instant now = Instant.now();
        String mac = TestData.randomMac();
        post(body(mac, signer, chain(CA.device(signer.publicKey(), now.minusSeconds(864_000), now.minusSeconds(86_400)),
                CA.signer())))
                .statusCode(422).body("code", equalTo("attestation_failed")).body("reason", equalTo("expired"))
                .body("field", equalTo("certificates[0]")).body("detail", containsString("expired at"));
        assertNothingStored(mac, signer);
    }

    @Test
    void notYetValidDeviceCertificateIs422() {
        DeviceSigner signer = DeviceSigner.generate(RANDOM);
        Instant now = Instant.now();
        post(body(TestData.randomMac(), signer, chain(CA.device(signer.publicKey(), now.plusSeconds(86_400),
                now.plusSeconds(864_000)), CA.signer())))
                .statusCode(422).body("code", equalTo("attestation_failed")).body("reason", equalTo("not_yet_valid"))
                .body("field", equalTo("certificates[0]")).body("detail", containsString("valid only from"));
    }

    @Test
    void chainOfAnotherManufacturerIs422UntrustedRoot() {
        DeviceSigner signer = DeviceSigner.generate(RANDOM);
        String mac = TestData.randomMac();
        post(body(mac, signer, chain(OTHER.device(signer.publicKey()), OTHER.signer())))
                .statusCode(422).body("code", equalTo("attestation_failed")).body("reason", equalTo("untrusted_root"))
                .body("field", equalTo("certificates[1]"))
                .body("detail", containsString("not a configured trust anchor"));
        assertNothingStored(mac, signer);
    }

    @Test
    void deviceCertificateNotIssuedByTheSignerIs422ChainDoesNotVerify() {
        DeviceSigner signer = DeviceSigner.generate(RANDOM);
        post(body(TestData.randomMac(), signer, chain(CA.device(signer.publicKey()), OTHER.signer())))
                .statusCode(422).body("code", equalTo("attestation_failed"))
                .body("reason", equalTo("chain_does_not_verify")).body("field", equalTo("certificates[0]"));
    }

    @Test
    void malformedCertificatesAre400NamingTheMember() {
        DeviceSigner signer = DeviceSigner.generate(RANDOM);
        String mac = TestData.randomMac();
        String device = TestCa.pem(CA.device(signer.publicKey()));
        post(body(mac, signer, List.of("not a certificate"))).statusCode(400).contentType(ProblemMappers.PROBLEM_JSON)
                .body("field", equalTo("certificates[0]")).body("code", equalTo("malformed_certificate"))
                .body("detail", startsWith("certificates[0]: "));
        post(body(mac, signer, List.of(device, "-----BEGIN CERTIFICATE-----\nbm90IGRlcg==\n-----END CERTIFICATE-----\n")))
                .statusCode(400).body("field", equalTo("certificates[1]"));
        post(body(mac, signer, List.of(device + TestCa.pem(CA.signer())))).statusCode(400)
                .body("field", equalTo("certificates[0]")).body("detail", containsString("exactly one"));
        post(body(mac, signer, List.of())).statusCode(400).body("field", equalTo("certificates"));
        Map<String, Object> notAnArray = body(mac, signer, null);
        notAnArray.put("certificates", Map.of("pem", device));
        post(notAnArray).statusCode(400).body("field", equalTo("certificates"));
        assertNothingStored(mac, signer);
    }

    @Test
    void rotationWithoutCertificatesClearsTheAttestationAndWithCertificatesChecksTheNewKey() {
        DeviceSigner first = DeviceSigner.generate(RANDOM);
        DeviceSigner second = DeviceSigner.generate(RANDOM);
        DeviceSigner third = DeviceSigner.generate(RANDOM);
        String mac = TestData.randomMac();
        long id = post(body(mac, first, chain(CA.device(first.publicKey()), CA.signer()))).statusCode(201)
                .body("attestation.attested", equalTo(true)).extract().jsonPath().getLong("id");

        // same key, no certificates: the attestation of that key stays
        Map<String, Object> rename = body(mac, first, null);
        rename.put("name", "Renamed attested roof");
        post(rename).statusCode(200).body("attestation.attested", equalTo(true))
                .body("attestation.anchor_subject", equalTo(ANCHOR));

        // new key without certificates: the attestation was for the retired key
        Map<String, Object> rotate = body(mac, second, null);
        rotate.put("rotate_key", true);
        post(rotate).statusCode(200).body("id", equalTo((int) id)).body("public_key", equalTo(second.publicKey().hex()))
                .body("attestation", aMapWithSize(1)).body("attestation.attested", equalTo(false));

        // new key with a chain for another key: refused, nothing changes
        Map<String, Object> wrong = body(mac, third, chain(CA.device(second.publicKey()), CA.signer()));
        wrong.put("rotate_key", true);
        post(wrong).statusCode(422).body("reason", equalTo("key_mismatch"));
        given().get("/api/v1/installations/" + id).then().statusCode(200)
                .body("public_key", equalTo(second.publicKey().hex())).body("attestation.attested", equalTo(false));

        // new key with its chain: attested again, for the new key
        X509CertificateHolder thirdDevice = CA.device(third.publicKey());
        Map<String, Object> attestedRotation = body(mac, third, chain(thirdDevice, CA.signer()));
        attestedRotation.put("rotate_key", true);
        post(attestedRotation).statusCode(200).body("public_key", equalTo(third.publicKey().hex()))
                .body("attestation.attested", equalTo(true))
                .body("attestation.device_serial", equalTo(thirdDevice.getSerialNumber().toString(16)))
                .body("keys.device_id", hasItem(third.publicKey().deviceIdHex()));
    }

    @Test
    void theDatabaseRefusesAHalfStoredAttestation() throws Exception {
        DeviceSigner signer = DeviceSigner.generate(RANDOM);
        long id = post(body(TestData.randomMac(), signer, null)).statusCode(201).extract().jsonPath().getLong("id");
        try (Connection connection = QueryDatabaseTestResource.connect();
                PreparedStatement update = connection.prepareStatement(
                        "UPDATE installations SET attested = true WHERE id = ?")) {
            update.setLong(1, id);
            SQLException refused = assertThrows(SQLException.class,
                    update::executeUpdate);
            assertTrue(refused.getMessage().contains("installations_attestation_complete"), refused.getMessage());
        }
        try (Connection connection = QueryDatabaseTestResource.connect();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT attested, attestation_anchor_subject FROM installations WHERE id = ?")) {
            select.setLong(1, id);
            try (ResultSet row = select.executeQuery()) {
                assertTrue(row.next());
                assertFalse(row.getBoolean(1));
                assertNull(row.getString(2));
            }
        }
    }
}
