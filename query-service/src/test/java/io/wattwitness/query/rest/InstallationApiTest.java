package io.wattwitness.query.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.wattwitness.kafka.KafkaBrokerTestResource;
import io.wattwitness.query.QueryDatabaseTestResource;
import io.wattwitness.query.TestCa;
import io.wattwitness.query.TestData;
import io.wattwitness.reading.DeviceSigner;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(QueryDatabaseTestResource.class)
@QuarkusTestResource(KafkaBrokerTestResource.class)
class InstallationApiTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private static Map<String, Object> body(String mac, DeviceSigner signer) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "Roof " + mac);
        body.put("shelly_mac", mac);
        body.put("public_key", signer.publicKey().hex());
        body.put("timezone", "Europe/Brussels");
        body.put("latitude", 50.85);
        body.put("longitude", 4.35);
        body.put("capacity_w", 4200);
        return body;
    }

    @Test
    void createsGetsListsAndUpdatesByMac() {
        DeviceSigner signer = DeviceSigner.generate(RANDOM);
        String mac = TestData.randomMac().toUpperCase();
        long id = given().header("Authorization", TestData.OPERATOR).contentType(ContentType.JSON).body(body(mac, signer))
                .post("/api/v1/installations/")
                .then().statusCode(201)
                .body("shelly_mac", equalTo(mac.toLowerCase()))
                .body("public_key", equalTo(signer.publicKey().hex()))
                .body("device_id", equalTo(signer.publicKey().deviceIdHex()))
                .body("key_fingerprint", equalTo(signer.publicKey().deviceIdHex()))
                .body("timezone", equalTo("Europe/Brussels"))
                .body("is_active", equalTo(true))
                .body("capacity_w", equalTo(4200.0f))
                .body("created_at", notNullValue())
                .body("keys", hasSize(1))
                .body("keys[0].retired_at", nullValue())
                .extract().jsonPath().getLong("id");

        given().get("/api/v1/installations/" + id).then().statusCode(200).body("id", equalTo((int) id))
                .body("name", equalTo("Roof " + mac));
        given().get("/api/v1/installations/" + id + "/").then().statusCode(200).body("id", equalTo((int) id));
        given().get("/api/v1/installations").then().statusCode(200).body("id", hasItem((int) id));
        given().get("/api/v1/installations/").then().statusCode(200).body("id", hasItem((int) id));

        Map<String, Object> update = body(mac.toLowerCase(), signer);
        update.put("name", "Renamed roof");
        update.remove("timezone");
        given().header("Authorization", TestData.OPERATOR).contentType(ContentType.JSON).body(update)
                .post("/api/v1/installations")
                .then().statusCode(200).body("id", equalTo((int) id)).body("name", equalTo("Renamed roof"))
                .body("timezone", equalTo("UTC"));
    }

    @Test
    void keyChangeNeedsRotateKeyAndKeepsHistory() {
        DeviceSigner first = DeviceSigner.generate(RANDOM);
        DeviceSigner second = DeviceSigner.generate(RANDOM);
        String mac = TestData.randomMac();
        long id = given().header("Authorization", TestData.OPERATOR).contentType(ContentType.JSON).body(body(mac, first))
                .post("/api/v1/installations/").then().statusCode(201).extract().jsonPath().getLong("id");

        given().header("Authorization", TestData.OPERATOR).contentType(ContentType.JSON).body(body(mac, second))
                .post("/api/v1/installations/")
                .then().statusCode(409).contentType("application/problem+json").body("field", equalTo("public_key"));

        Map<String, Object> rotate = body(mac, second);
        rotate.put("rotate_key", true);
        given().header("Authorization", TestData.OPERATOR).contentType(ContentType.JSON).body(rotate)
                .post("/api/v1/installations/")
                .then().statusCode(200).body("id", equalTo((int) id))
                .body("device_id", equalTo(second.publicKey().deviceIdHex()))
                .body("keys", hasSize(2))
                .body("keys[0].device_id", equalTo(first.publicKey().deviceIdHex()))
                .body("keys[0].retired_at", notNullValue())
                .body("keys[1].retired_at", nullValue());

        // the retired key cannot be registered to another installation
        given().header("Authorization", TestData.OPERATOR).contentType(ContentType.JSON)
                .body(body(TestData.randomMac(), first))
                .post("/api/v1/installations/")
                .then().statusCode(409).body("field", equalTo("public_key"));
    }

    @Test
    void invalidBodiesAreProblemsNamingTheField() {
        DeviceSigner signer = DeviceSigner.generate(RANDOM);
        Map<String, Object> badMac = body("12345", signer);
        expectBadField(badMac, "shelly_mac");

        Map<String, Object> offCurve = body(TestData.randomMac(), signer);
        offCurve.put("public_key", "11".repeat(64));
        expectBadField(offCurve, "public_key");

        Map<String, Object> badZone = body(TestData.randomMac(), signer);
        badZone.put("timezone", "Mars/Olympus");
        expectBadField(badZone, "timezone");

        Map<String, Object> badLatitude = body(TestData.randomMac(), signer);
        badLatitude.put("latitude", 123.0);
        expectBadField(badLatitude, "latitude");

        Map<String, Object> wrongType = body(TestData.randomMac(), signer);
        wrongType.put("capacity_w", "lots");
        expectBadField(wrongType, "capacity_w");

        Map<String, Object> noName = body(TestData.randomMac(), signer);
        noName.remove("name");
        expectBadField(noName, "name");

        for (String malformed : List.of("{not json", "{\"name\":", "[1,")) {
            given().header("Authorization", TestData.OPERATOR).contentType(ContentType.JSON).body(malformed)
                    .post("/api/v1/installations/")
                    .then().statusCode(400).contentType("application/problem+json").body("status", equalTo(400))
                    .body("field", equalTo("body")).body("detail", equalTo("body is not valid JSON for this endpoint"));
        }

        given().get("/api/v1/installations/abc").then().statusCode(400).body("field", equalTo("installation_id"));
        given().get("/api/v1/installations/999999999").then().statusCode(404)
                .contentType("application/problem+json").body("title", equalTo("Not found"));
    }

    @Test
    void withoutTrustAnchorsRegistrationIsNotAttestedAndCertificatesAre422AttestationDisabled() {
        DeviceSigner signer = DeviceSigner.generate(RANDOM);
        String mac = TestData.randomMac();
        TestCa ca = TestCa.trusted();
        Map<String, Object> attested = body(mac, signer);
        attested.put("certificates", List.of(TestCa.pem(ca.device(signer.publicKey())), TestCa.pem(ca.signer())));
        given().header("Authorization", TestData.OPERATOR).contentType(ContentType.JSON).body(attested)
                .post("/api/v1/installations")
                .then().statusCode(422).contentType("application/problem+json")
                .body("status", equalTo(422))
                .body("code", equalTo("attestation_disabled"))
                .body("field", equalTo("certificates"))
                .body("detail", startsWith("certificates: attestation is disabled"));

        long id = given().header("Authorization", TestData.OPERATOR).contentType(ContentType.JSON)
                .body(body(mac, signer)).post("/api/v1/installations")
                .then().statusCode(201)
                .body("attestation", aMapWithSize(1))
                .body("attestation.attested", equalTo(false))
                .extract().jsonPath().getLong("id");
        given().get("/api/v1/installations/" + id).then().statusCode(200)
                .body("attestation", aMapWithSize(1)).body("attestation.attested", equalTo(false));
    }

    @Test
    void writesNeedTheOperatorRole() {
        Map<String, Object> valid = body(TestData.randomMac(), DeviceSigner.generate(RANDOM));
        given().contentType(ContentType.JSON).body(valid).post("/api/v1/installations/")
                .then().statusCode(401).header("WWW-Authenticate", startsWith("Bearer"));
        given().header("Authorization", "Bearer not-a-token").contentType(ContentType.JSON).body(valid)
                .post("/api/v1/installations/").then().statusCode(401);
        given().header("Authorization", "Basic dXNlcjpwYXNz").contentType(ContentType.JSON).body(valid)
                .post("/api/v1/installations/").then().statusCode(401);
        given().header("Authorization", TestData.DEVICE).contentType(ContentType.JSON).body(valid)
                .post("/api/v1/installations/").then().statusCode(403).contentType("application/problem+json");
        given().header("Authorization", TestData.ANCHORING).contentType(ContentType.JSON).body(valid)
                .post("/api/v1/installations/").then().statusCode(403);
        // reads are public, whatever the header
        given().header("Authorization", "Bearer not-a-token").get("/api/v1/installations/").then().statusCode(200);
    }

    private static void expectBadField(Map<String, Object> body, String field) {
        given().header("Authorization", TestData.OPERATOR).contentType(ContentType.JSON).body(body)
                .post("/api/v1/installations/")
                .then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo(field)).body("status", equalTo(400)).body("detail", startsWith(field));
    }
}
