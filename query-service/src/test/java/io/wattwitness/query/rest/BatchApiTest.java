package io.wattwitness.query.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.wattwitness.kafka.KafkaBrokerTestResource;
import io.wattwitness.query.QueryDatabaseTestResource;
import io.wattwitness.query.TestData;
import io.wattwitness.query.TestData.Device;
import io.wattwitness.query.service.BatchService;
import io.wattwitness.reading.Hex;
import io.wattwitness.reading.MerkleTree;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(QueryDatabaseTestResource.class)
@QuarkusTestResource(KafkaBrokerTestResource.class)
class BatchApiTest {

    @Inject
    BatchService batchService;

    private static final Random RANDOM = new Random();

    private static String randomHash() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "0x" + Hex.encode(bytes);
    }

    @Test
    void sealsVerifiedReadingsProvesThemAndMarksThemOnChain() throws SQLException {
        Device device = TestData.installation("UTC");
        long now = System.currentTimeMillis();
        List<Long> ids = new ArrayList<>();
        long disputed;
        long anomaly;
        // one commit: the sealer (every second in tests) sees all five or none, so they land in one batch
        try (Connection connection = QueryDatabaseTestResource.connect()) {
            connection.setAutoCommit(false);
            for (int i = 0; i < 5; i++) {
                ids.add(TestData.storeReading(connection, device, 1, i, now + i * 10_000L, 500_000,
                        2_000_000 + i * 1_000L, 1, "verified"));
            }
            disputed = TestData.storeReading(connection, device, 1, 5, now + 50_000, 1, 2_006_000, 1, "disputed");
            anomaly = TestData.storeReading(connection, device, 1, 6, now + 60_000, 1, 1_000, 1, "anomaly");
            connection.commit();
        }

        TestData.await("sealing", 60, () -> ids.stream().allMatch(id ->
                TestData.queryLong("SELECT batch_id FROM readings WHERE id = ?", id) != null));
        long batchId = TestData.queryLong("SELECT batch_id FROM readings WHERE id = ?", ids.get(0));
        assertNull(TestData.queryLong("SELECT batch_id FROM readings WHERE id = ?", disputed), "disputed never sealed");
        assertNull(TestData.queryLong("SELECT batch_id FROM readings WHERE id = ?", anomaly), "anomaly held back");

        JsonPath batch = given().get("/api/v1/batches/" + batchId).then().statusCode(200).extract().jsonPath();
        assertEquals(batchId, batch.getLong("batch_id"));
        List<Map<String, Object>> readings = batch.getList("readings");
        assertEquals(batch.getInt("reading_count"), readings.size());
        List<byte[]> leaves = new ArrayList<>();
        long previousId = 0;
        for (Map<String, Object> reading : readings) {
            long id = ((Number) reading.get("id")).longValue();
            assertTrue(id > previousId, "readings in id order");
            previousId = id;
            leaves.add(MerkleTree.leaf(Hex.decode((String) reading.get("message")), Hex.decode((String) reading.get("signature"))));
        }
        String root = "0x" + Hex.encode(MerkleTree.of(leaves).root());
        assertEquals(root, batch.getString("merkle_root"), "root recomputable from the served bytes");
        assertTrue(batch.getList("readings.id").containsAll(ids.stream().map(Long::intValue).toList()));
        assertEquals(device.deviceId(), readings.stream().filter(r -> ((Number) r.get("id")).longValue() == ids.get(2))
                .findFirst().orElseThrow().get("device_id"));

        JsonPath proof = given().get("/api/v1/batches/" + batchId + "/proof/" + ids.get(2)).then().statusCode(200)
                .body("public_key", equalTo(device.signer().publicKey().hex()))
                .body("device_id", equalTo(device.deviceId()))
                .body("merkle_root", equalTo(root)).extract().jsonPath();
        List<byte[]> siblings = proof.getList("proof", String.class).stream().map(h -> Hex.decode(h.substring(2))).toList();
        byte[] leaf = MerkleTree.leaf(Hex.decode(proof.getString("message")), Hex.decode(proof.getString("signature")));
        assertEquals(proof.getString("leaf"), "0x" + Hex.encode(leaf));
        assertTrue(MerkleTree.verify(siblings, Hex.decode(root.substring(2)), leaf));

        given().get("/api/v1/readings/pending?limit=1000").then().statusCode(200)
                .body("count", greaterThanOrEqualTo(1));

        String tx = randomHash();
        Map<String, Object> mark = new HashMap<>();
        mark.put("batch_id", batchId);
        mark.put("blockchain_tx_hash", tx);
        mark.put("blockchain_block_number", 123);
        mark.put("merkle_root", randomHash());
        given().header("Authorization", TestData.ANCHORING).contentType(ContentType.JSON).body(mark)
                .post("/api/v1/readings/mark-on-chain/").then().statusCode(409)
                .contentType("application/problem+json").body("field", equalTo("merkle_root"));
        mark.put("merkle_root", root);
        given().contentType(ContentType.JSON).body(mark).post("/api/v1/readings/mark-on-chain/").then().statusCode(401);
        given().header("Authorization", TestData.OPERATOR).contentType(ContentType.JSON).body(mark)
                .post("/api/v1/readings/mark-on-chain/").then().statusCode(403);
        given().header("Authorization", TestData.ANCHORING).contentType(ContentType.JSON).body(mark)
                .post("/api/v1/readings/mark-on-chain/").then().statusCode(200)
                .body("batch_id", equalTo((int) batchId)).body("marked", equalTo(readings.size()))
                .body("already_marked", equalTo(false));
        given().header("Authorization", TestData.ANCHORING).contentType(ContentType.JSON).body(mark)
                .post("/api/v1/readings/mark-on-chain").then().statusCode(200)
                .body("marked", equalTo(0)).body("already_marked", equalTo(true));
        // Another transaction without the root cannot be told from a forgery: refused.
        mark.remove("merkle_root");
        mark.put("blockchain_tx_hash", randomHash());
        given().header("Authorization", TestData.ANCHORING).contentType(ContentType.JSON).body(mark)
                .post("/api/v1/readings/mark-on-chain/").then().statusCode(409)
                .body("field", equalTo("blockchain_tx_hash"));
        // With the sealed root it is the same batch re-anchored after a reorganisation: the new tx and block win.
        String reanchored = randomHash();
        mark.put("merkle_root", root);
        mark.put("blockchain_tx_hash", reanchored);
        mark.put("blockchain_block_number", 130);
        given().header("Authorization", TestData.ANCHORING).contentType(ContentType.JSON).body(mark)
                .post("/api/v1/readings/mark-on-chain/").then().statusCode(200)
                .body("marked", equalTo(readings.size())).body("already_marked", equalTo(false));
        given().get("/api/v1/batches/" + batchId).then().statusCode(200).body("is_on_chain", equalTo(true))
                .body("blockchain_tx_hash", equalTo(reanchored)).body("blockchain_block_number", equalTo(130));
        given().queryParam("verified_only", false).get("/api/v1/readings/" + device.id()).then().statusCode(200)
                .body("readings.find { it.id == " + ids.get(0) + " }.blockchain_tx_hash", equalTo(reanchored));
        mark.put("blockchain_tx_hash", tx);
        mark.put("blockchain_block_number", 123);
        given().header("Authorization", TestData.ANCHORING).contentType(ContentType.JSON).body(mark)
                .post("/api/v1/readings/mark-on-chain/").then().statusCode(200).body("marked", equalTo(readings.size()));

        given().get("/api/v1/batches/" + batchId).then().statusCode(200).body("is_on_chain", equalTo(true))
                .body("blockchain_tx_hash", equalTo(tx)).body("blockchain_block_number", equalTo(123));
        given().get("/api/v1/readings/latest/" + device.id()).then().statusCode(200);
        given().queryParam("verified_only", false).get("/api/v1/readings/" + device.id()).then().statusCode(200)
                .body("readings.find { it.id == " + ids.get(0) + " }.is_on_chain", equalTo(true))
                .body("readings.find { it.id == " + ids.get(0) + " }.batch_id", equalTo((int) batchId));
        given().get("/api/v1/readings/pending?limit=1000").then().statusCode(200)
                .body("readings.collect { it[0] }", not(hasItem(ids.get(0).intValue())));
        given().get("/api/v1/installations/" + device.id() + "/status").then().statusCode(200)
                .body("anchoring.state", equalTo("fresh")).body("anchoring.last_batch_id", equalTo((int) batchId))
                .body("anchoring.blockchain_tx_hash", equalTo(tx));
        given().get("/api/v1/batches/latest").then().statusCode(200)
                .body("batch_id", greaterThanOrEqualTo((int) batchId)).body("readings", equalTo(null));
    }

    @Test
    void rangeFormMarksVerifiedReadings() {
        Device device = TestData.installation("UTC");
        long first = TestData.storeReading(device, 1, 0, 1_700_000_000_000L, 1, 1, 1, "verified");
        long second = TestData.storeReading(device, 1, 1, 1_700_000_010_000L, 1, 2, 1, "verified");
        JsonPath pending = given().get("/api/v1/readings/pending?limit=3").then().statusCode(200).extract().jsonPath();
        List<List<Object>> rows = pending.getList("readings");
        assertEquals(rows.size(), pending.getInt("count"));
        assertTrue(rows.size() >= 2 && rows.size() <= 3, "at least the two new readings are pending");
        assertEquals(((Number) rows.get(0).get(0)).longValue(), pending.getLong("first_reading_id"));
        assertEquals(((Number) rows.get(rows.size() - 1).get(0)).longValue(), pending.getLong("last_reading_id"));
        assertEquals(5, rows.get(0).size(), "[id, power_w, total_wh, timestamp, signature]");
        assertEquals(128, ((String) rows.get(0).get(4)).length());
        String tx = randomHash();
        Map<String, Object> mark = Map.of("first_reading_id", first, "last_reading_id", second,
                "blockchain_tx_hash", tx, "blockchain_block_number", 7);
        given().header("Authorization", TestData.ANCHORING).contentType(ContentType.JSON).body(mark)
                .post("/api/v1/readings/mark-on-chain/").then().statusCode(200)
                .body("batch_id", equalTo(null)).body("marked", equalTo(2)).body("already_marked", equalTo(false));
        given().header("Authorization", TestData.ANCHORING).contentType(ContentType.JSON).body(mark)
                .post("/api/v1/readings/mark-on-chain/").then().statusCode(200)
                .body("marked", equalTo(0)).body("already_marked", equalTo(true));
    }

    @Test
    void readingsAlreadyAnchoredThroughTheRangeFormAreNeverSealed() throws SQLException {
        Device device = TestData.installation("UTC");
        long anchored;
        long waiting;
        try (Connection connection = QueryDatabaseTestResource.connect()) {
            connection.setAutoCommit(false);
            anchored = TestData.storeReading(connection, device, 1, 0, 1_700_000_000_000L, 1, 1, 1, "verified");
            waiting = TestData.storeReading(connection, device, 1, 1, 1_700_000_010_000L, 1, 2, 1, "verified");
            try (PreparedStatement mark = connection.prepareStatement("UPDATE readings SET is_on_chain = TRUE, "
                    + "blockchain_tx_hash = ?, blockchain_block_number = 7 WHERE id = ?")) {
                mark.setString(1, randomHash());
                mark.setLong(2, anchored);
                mark.executeUpdate();
            }
            connection.commit();
        }
        long sealed = batchService.sealOnce(true).await().atMost(Duration.ofSeconds(30)).orElse(0L);
        Long waitingBatch = TestData.queryLong("SELECT batch_id FROM readings WHERE id = ?", waiting);
        assertTrue(waitingBatch != null && (sealed == 0 || waitingBatch <= sealed),
                "the reading not yet on chain is sealed (by this round or the scheduled one): " + waitingBatch);
        assertNull(TestData.queryLong("SELECT batch_id FROM readings WHERE id = ?", anchored),
                "the reading on chain stays out of every batch");
    }

    @Test
    void errors() {
        given().get("/api/v1/batches/999999999").then().statusCode(404).contentType("application/problem+json");
        given().get("/api/v1/batches/first").then().statusCode(400).body("field", equalTo("id"));
        given().get("/api/v1/batches/1/proof/x").then().statusCode(400).body("field", equalTo("reading_id"));
        given().get("/api/v1/batches/999999999/proof/1").then().statusCode(404);
        given().get("/api/v1/readings/pending?limit=5000").then().statusCode(400).body("field", equalTo("limit"));
        Map<String, Object> bad = new HashMap<>();
        bad.put("batch_id", 1);
        bad.put("blockchain_tx_hash", "0x1234");
        bad.put("blockchain_block_number", 1);
        given().header("Authorization", TestData.ANCHORING).contentType(ContentType.JSON).body(bad)
                .post("/api/v1/readings/mark-on-chain/").then().statusCode(400).body("field", equalTo("blockchain_tx_hash"));
        bad.put("blockchain_tx_hash", randomHash());
        bad.put("blockchain_block_number", -1);
        given().header("Authorization", TestData.ANCHORING).contentType(ContentType.JSON).body(bad)
                .post("/api/v1/readings/mark-on-chain/").then().statusCode(400)
                .body("field", equalTo("blockchain_block_number"));
        bad.remove("batch_id");
        bad.put("blockchain_block_number", 1);
        given().header("Authorization", TestData.ANCHORING).contentType(ContentType.JSON).body(bad)
                .post("/api/v1/readings/mark-on-chain/").then().statusCode(400).body("field", equalTo("first_reading_id"));
        bad.put("batch_id", 999999999);
        given().header("Authorization", TestData.ANCHORING).contentType(ContentType.JSON).body(bad)
                .post("/api/v1/readings/mark-on-chain/").then().statusCode(404);
    }
}
