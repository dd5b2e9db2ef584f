package io.wattwitness.query.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.wattwitness.kafka.KafkaBrokerTestResource;
import io.wattwitness.query.QueryDatabaseTestResource;
import io.wattwitness.query.TestData;
import io.wattwitness.query.TestData.Device;
import io.wattwitness.reading.DeviceSigner;
import io.wattwitness.reading.Hex;
import io.wattwitness.reading.ReadingMessage;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(QueryDatabaseTestResource.class)
@QuarkusTestResource(KafkaBrokerTestResource.class)
class ReadingApiTest {

    private static final long T0 = Instant.parse("2024-05-01T08:00:00Z").toEpochMilli();

    @Test
    void listsNewestFirstWithCursorFiltersAndLatestByReadingTime() {
        Device device = TestData.installation("Europe/Brussels");
        long[] ids = new long[5];
        for (int i = 0; i < 5; i++) {
            ids[i] = TestData.storeReading(device, 1, i, T0 + i * 10_000L, 1_000_000 + i, 5_000_000 + i * 1_000L, 1, "verified");
        }
        long disputed = TestData.storeReading(device, 1, 5, T0 + 50_000, 7, 5_006_000, 1, "disputed");
        // inserted last but read earlier: latest is by reading time
        TestData.storeReading(device, 0, 99, T0 - 3_600_000, 1, 4_000_000, 1, "verified");

        JsonPath first = given().queryParam("limit", 2).get("/api/v1/readings/" + device.id())
                .then().statusCode(200).body("readings", hasSize(2)).extract().jsonPath();
        assertEquals(List.of((int) ids[4], (int) ids[3]), first.getList("readings.id"));
        assertEquals(device.id(), first.getLong("readings[0].installation_id"));
        assertEquals(1000.004, first.getDouble("readings[0].power_w"), 1e-9);
        assertEquals(5004.0, first.getDouble("readings[0].total_wh"), 1e-9);
        assertEquals((T0 + 40_000) / 1000, first.getLong("readings[0].timestamp"));
        assertEquals(T0 + 40_000, first.getLong("readings[0].timestamp_ms"));
        assertEquals(104, first.getString("readings[0].message").length());
        assertEquals(128, first.getString("readings[0].signature").length());
        assertEquals(device.deviceId(), first.getString("readings[0].device_id"));
        assertEquals("verified", first.getString("readings[0].status"));
        assertEquals(Boolean.TRUE, first.getBoolean("readings[0].is_verified"));
        assertEquals(Boolean.FALSE, first.getBoolean("readings[0].is_on_chain"));
        String cursor = first.getString("next_cursor");

        JsonPath second = given().queryParam("limit", 2).queryParam("cursor", cursor).get("/api/v1/readings/" + device.id() + "/")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of((int) ids[2], (int) ids[1]), second.getList("readings.id"));

        // time window (ISO and Unix seconds) and verified_only=false shows the disputed one
        given().queryParam("start", Instant.ofEpochMilli(T0 + 10_000).toString()).queryParam("end", (T0 + 50_000) / 1000)
                .queryParam("verified_only", "false").get("/api/v1/readings/" + device.id())
                .then().statusCode(200).body("readings.id", equalTo(List.of((int) disputed, (int) ids[4], (int) ids[3],
                        (int) ids[2], (int) ids[1]))).body("next_cursor", nullValue());
        given().get("/api/v1/readings/latest/" + device.id()).then().statusCode(200).body("id", equalTo((int) disputed))
                .body("status", equalTo("disputed")).body("verification_error", equalTo("disputed in test"));
    }

    @Test
    void lateReadingsAreFlaggedInTheApi() throws SQLException {
        Device device = TestData.installation("UTC");
        long onTime = TestData.storeReading(device, 2, 0, T0, 1_000, 7_000, 1, "verified");
        long late = TestData.storeReading(device, 2, 1, T0 + 10_000, 1_000, 7_010, 1, "verified");
        try (Connection connection = QueryDatabaseTestResource.connect();
                PreparedStatement update = connection.prepareStatement("UPDATE readings SET late = TRUE WHERE id = ?")) {
            update.setLong(1, late);
            assertEquals(1, update.executeUpdate());
        }
        JsonPath page = given().get("/api/v1/readings/" + device.id()).then().statusCode(200)
                .body("readings", hasSize(2)).extract().jsonPath();
        assertEquals(List.of((int) late, (int) onTime), page.getList("readings.id"));
        assertEquals(List.of(true, false), page.getList("readings.late"));
        given().get("/api/v1/readings/latest/" + device.id()).then().statusCode(200).body("id", equalTo((int) late))
                .body("late", equalTo(true)).body("status", equalTo("verified"));
    }

    @Test
    void badParametersAreProblemsAndUnknownInstallationIs404() {
        Device device = TestData.installation("UTC");
        String path = "/api/v1/readings/" + device.id();
        given().queryParam("limit", 0).get(path).then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("limit"));
        given().queryParam("limit", "many").get(path).then().statusCode(400).body("field", equalTo("limit"));
        given().queryParam("start", "yesterday").get(path).then().statusCode(400).body("field", equalTo("start"));
        given().queryParam("start", 200).queryParam("end", 100).get(path).then().statusCode(400).body("field", equalTo("end"));
        given().queryParam("end", "+999999999-12-31T23:59:59Z").get(path).then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("end"));
        given().queryParam("start", "-999999999-01-01T00:00:00Z").get(path).then().statusCode(400)
                .body("field", equalTo("start"));
        given().queryParam("start", 0).queryParam("end", "9999-12-31T23:59:59Z").get(path).then().statusCode(200);
        given().queryParam("verified_only", "maybe").get(path).then().statusCode(400).body("field", equalTo("verified_only"));
        given().queryParam("cursor", "%%%").get(path).then().statusCode(400).body("field", equalTo("cursor"));
        given().get("/api/v1/readings/x1").then().statusCode(400).body("field", equalTo("installation_id"));
        given().get("/api/v1/readings/987654321").then().statusCode(404);
        given().get("/api/v1/readings/latest/" + device.id()).then().statusCode(404).contentType("application/problem+json");
        given().get("/api/v1/readings/latest/zero").then().statusCode(400);
        given().get(path + "/quarantine").then().statusCode(200).body("items", hasSize(0));
        given().get(path + "/quarantine?limit=-1").then().statusCode(400).body("field", equalTo("limit"));
    }

    @Test
    void quarantineListsEntriesOfTheInstallationsDevices() throws SQLException {
        Device device = TestData.installation("UTC");
        String raw = "{\"message\":\"00\",\"signature\":\"11\"}";
        try (Connection connection = QueryDatabaseTestResource.connect();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO quarantine (received_at, source, stage, "
                        + "reason, detail, device_id, boot, seq, raw, raw_sha256, event_key) VALUES (?, 'mqtt', 'verify', "
                        + "'bad_signature', 'signature does not verify', ?, 3, 7, ?, ?, ?)")) {
            insert.setTimestamp(1, Timestamp.from(Instant.now()));
            insert.setString(2, device.deviceId());
            insert.setBytes(3, raw.getBytes(StandardCharsets.UTF_8));
            insert.setString(4, UUID.randomUUID().toString().replace("-", "") + "0".repeat(32));
            insert.setString(5, UUID.randomUUID().toString().replace("-", "") + "1".repeat(32));
            insert.executeUpdate();
        }
        given().get("/api/v1/readings/" + device.id() + "/quarantine").then().statusCode(200)
                .body("items", hasSize(1)).body("items[0].reason", equalTo("bad_signature"))
                .body("items[0].device_id", equalTo(device.deviceId())).body("items[0].boot", equalTo(3))
                .body("items[0].seq", equalTo(7)).body("items[0].raw", equalTo(raw))
                .body("items[0].received_at", notNullValue());
    }

    @Test
    void httpTransportForwardsTheEnvelopeToReadingsRaw() {
        DeviceSigner signer = DeviceSigner.generate(new SecureRandom());
        ReadingMessage message = new ReadingMessage(signer.publicKey().deviceId(), 0xA1B2C3D4E5F6L, 12, 345,
                System.currentTimeMillis(), 1_500_000, 9_000_000, 1);
        byte[] bytes = message.encode();
        String body = "{\"message\":\"" + Hex.encode(bytes).toUpperCase() + "\", \"signature\":\""
                + Hex.encode(signer.sign(bytes)) + "\"}";

        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty("wattwitness.test.kafka"));
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "reading-api-test-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties)) {
            consumer.subscribe(List.of("readings.raw"));
            given().header("Authorization", TestData.DEVICE).contentType(ContentType.JSON).body(body)
                    .post("/api/v1/readings/")
                    .then().statusCode(202).body("device_id", equalTo(signer.publicKey().deviceIdHex()))
                    .body("boot", equalTo(12)).body("seq", equalTo(345)).body("status", equalTo("accepted"));
            ConsumerRecord<String, byte[]> found = null;
            long deadline = System.currentTimeMillis() + 30_000;
            while (found == null && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (signer.publicKey().deviceIdHex().equals(record.key())) {
                        found = record;
                    }
                }
            }
            assertEquals(signer.publicKey().deviceIdHex(), found.key());
            assertArrayEquals(body.getBytes(StandardCharsets.UTF_8), found.value(), "forwarded exactly as received");
            assertEquals("http", new String(found.headers().lastHeader("ww-source").value(), StandardCharsets.US_ASCII));
            long receivedAt = Long.parseLong(new String(found.headers().lastHeader("ww-received-at").value(),
                    StandardCharsets.US_ASCII));
            assertEquals(System.currentTimeMillis(), receivedAt, 60_000);
        }
    }

    @Test
    void httpTransportRejectsBadEnvelopesAndNeedsTheDeviceRole() {
        String valid = "{\"message\":\"" + "57575201".concat("00".repeat(48)) + "\",\"signature\":\"" + "11".repeat(64) + "\"}";
        given().contentType(ContentType.JSON).body(valid).post("/api/v1/readings/").then().statusCode(401);
        given().header("Authorization", TestData.OPERATOR).contentType(ContentType.JSON).body(valid)
                .post("/api/v1/readings/").then().statusCode(403);
        given().header("Authorization", TestData.DEVICE).contentType(ContentType.JSON)
                .body(Map.of("message", "abcd", "signature", "11".repeat(64)))
                .post("/api/v1/readings").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("message")).body("detail", startsWith("message: "))
                .body("detail", not(startsWith("message: message:")));
        given().header("Authorization", TestData.DEVICE).contentType(ContentType.JSON)
                .body(Map.of("message", "00".repeat(52), "signature", "zz".repeat(64)))
                .post("/api/v1/readings/").then().statusCode(400).body("field", equalTo("signature"));
        given().header("Authorization", TestData.DEVICE).contentType(ContentType.JSON).body("[1,2]")
                .post("/api/v1/readings/").then().statusCode(400).body("field", equalTo("body"));
        given().header("Authorization", TestData.DEVICE).contentType(ContentType.JSON).body("nope")
                .post("/api/v1/readings/").then().statusCode(400).body("field", equalTo("body"));
    }
}
