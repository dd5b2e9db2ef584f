package io.wattwitness.chainlistener;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.wattwitness.chainlistener.service.ListenerRunner;
import io.wattwitness.chainlistener.testing.AnchorDeployment;
import io.wattwitness.chainlistener.testing.AnchorDeployment.Anchored;
import io.wattwitness.chainlistener.testing.Anvil;
import io.wattwitness.chainlistener.testing.ListenerTestResource;
import io.wattwitness.chainlistener.testing.QueryServiceStandIn;
import io.wattwitness.chainlistener.testing.QueryServiceStandIn.Mark;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The listener wired in Quarkus against a real anvil (contract deployed from the forge artifacts, reports delivered
 * through the LocalForwarder), a real PostgreSQL and a real HTTP stand-in for query-service. One chain and one
 * contract for the whole class, so the scenarios run in order and batch ids continue from one to the next (the
 * contract only accepts last id + 1). anvil's finalized block is head - 64: each scenario mines past it.
 */
@QuarkusTest
@QuarkusTestResource(value = ListenerTestResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChainListenerFlowTest {

    private static final int PAST_FINALITY = 70;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    ListenerRunner runner;

    private final Anvil anvil = ListenerTestResource.anvil();
    private final AnchorDeployment chain = ListenerTestResource.deployment();
    private final QueryServiceStandIn queryService = ListenerTestResource.queryService();

    private static String root(long batchId, int variant) {
        return String.format("0x%056x%08x", 0x5eed0000L + batchId, variant);
    }

    private Anchored sealAndAnchor(long batchId) {
        queryService.seal(batchId, root(batchId, 1), 10 + (int) batchId);
        return chain.anchor(batchId, root(batchId, 1), 10 + (int) batchId, "exec-" + batchId);
    }

    private void awaitMark(Anchored anchored) {
        await().atMost(WAIT).untilAsserted(() -> {
            Mark mark = queryService.currentMark(anchored.batchId());
            assertNotNull(mark, "batch " + anchored.batchId() + " marked");
            assertEquals(anchored.txHash(), mark.txHash());
            assertEquals(anchored.blockNumber(), mark.blockNumber());
            assertEquals(anchored.root(), mark.merkleRoot());
        });
    }

    private static JsonPath status() {
        return given().get("/api/v1/listener/status").then().statusCode(200).extract().jsonPath();
    }

    private static JsonPath readiness(int expectedStatus) {
        return given().get("/q/health/ready").then().statusCode(expectedStatus).extract().jsonPath();
    }

    private static double metric(String name) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$")
                .matcher(text);
        assertTrue(matcher.find(), "metric " + name + " is published");
        return Double.parseDouble(matcher.group(1));
    }

    @Test
    @Order(1)
    void followsBatchesAndKeyEventsAcrossSeveralRanges() {
        String firstKey = AnchorDeployment.newDeviceKey();
        String secondKey = AnchorDeployment.newDeviceKey();
        String registerTx = chain.registerInstallation(1, "a4cf12f00b01", firstKey);
        anvil.mine(7);
        Anchored first = sealAndAnchor(1);
        anvil.mine(6);
        Anchored second = sealAndAnchor(2);
        String rotateTx = chain.rotateDeviceKey(1, "a4cf12f00b02", secondKey);
        anvil.mine(11);
        Anchored third = sealAndAnchor(3);
        assertTrue(third.blockNumber() - first.blockNumber() > 3 * ListenerTestResource.RANGE_SIZE,
                "the events lie in different ranges");
        anvil.mine(PAST_FINALITY);

        awaitMark(first);
        awaitMark(second);
        awaitMark(third);
        for (long id = 1; id <= 3; id++) {
            assertEquals(1, queryService.acceptedMarks(id).size(), "batch " + id + " marked exactly once");
        }

        await().atMost(WAIT).untilAsserted(() -> {
            List<Map<String, Object>> events = given().get("/api/v1/listener/key-events?installation_id=1")
                    .then().statusCode(200).extract().jsonPath().getList("$");
            assertEquals(2, events.size());
            assertEquals("INSTALLATION_REGISTERED", events.get(0).get("kind"));
            assertEquals(AnchorDeployment.deviceId(firstKey), events.get(0).get("device_id"));
            assertEquals(firstKey, events.get(0).get("public_key"));
            assertEquals("a4cf12f00b01", events.get(0).get("meter_id"));
            assertEquals(registerTx, events.get(0).get("blockchain_tx_hash"));
            assertEquals("DEVICE_KEY_ROTATED", events.get(1).get("kind"));
            assertEquals(AnchorDeployment.deviceId(secondKey), events.get(1).get("device_id"));
            assertEquals(AnchorDeployment.deviceId(firstKey), events.get(1).get("previous_device_id"));
            assertEquals(rotateTx, events.get(1).get("blockchain_tx_hash"));
        });

        // Marks reach query-service before the listener commits its own records: wait for the records.
        await().atMost(WAIT).until(() -> List.of(3, 2, 1).equals(given().get("/api/v1/listener/batches").then()
                .extract().jsonPath().getList("batch_id")) && status().getLong("batches_marked") == 3);
        List<Map<String, Object>> batches = given().get("/api/v1/listener/batches").then().statusCode(200)
                .extract().jsonPath().getList("$");
        assertEquals(List.of(3, 2, 1), batches.stream().map(b -> b.get("batch_id")).toList());
        assertEquals("MARKED", batches.get(0).get("status"));
        assertEquals(third.root(), batches.get(0).get("onchain_root"));
        assertEquals(third.root(), batches.get(0).get("sealed_root"));
        assertEquals(13, batches.get(0).get("marked_count"));

        JsonPath status = status();
        long cursor = status.getLong("last_processed_block");
        assertTrue(cursor >= third.blockNumber());
        assertEquals("43113:" + chain.anchorAddress().toLowerCase(), status.getString("scope"));
        assertEquals(3, status.getLong("batches_marked"));
        assertEquals(0, status.getLong("root_mismatches"));
        assertEquals(3.0, metric("chain_listener_batches_marked_total"));
        assertEquals(2.0, metric("chain_listener_key_events_total"));
        assertTrue(metric("chain_listener_last_processed_block") >= third.blockNumber());
        assertTrue(metric("chain_listener_lag_blocks") >= 64, "finalized trails head by 64 blocks on anvil");

        JsonPath health = readiness(200);
        assertEquals("UP", health.getString("status"));
        assertEquals(3, health.getInt("checks.find { it.name == 'chain-listener' }.data.batches_marked"));
    }

    @Test
    @Order(2)
    void restartMidWayLosesNoBatchAndMarksNoneTwice() {
        queryService.unavailable(5, true);
        Anchored fourth = sealAndAnchor(4);
        anvil.mine(9);
        Anchored fifth = sealAndAnchor(5);
        anvil.mine(PAST_FINALITY);

        awaitMark(fourth);
        await().atMost(WAIT).until(() -> queryService.batchRequests(5) >= 2);
        JsonPath stuck = status();
        assertTrue(stuck.getLong("last_processed_block") < fifth.blockNumber(),
                "the cursor does not pass the batch that could not be handled");
        assertNull(queryService.currentMark(5));

        runner.stop();
        assertFalse(runner.isRunning());
        queryService.unavailable(5, false);
        Anchored sixth = sealAndAnchor(6);
        anvil.mine(PAST_FINALITY);
        runner.start();

        awaitMark(fifth);
        awaitMark(sixth);
        for (long id = 1; id <= 6; id++) {
            assertEquals(1, queryService.acceptedMarks(id).size(), "batch " + id + " marked exactly once");
        }
        assertTrue(metric("chain_listener_poll_failures_total") >= 2);
    }

    @Test
    @Order(3)
    void reorganisationRewindsAndMarksTheCanonicalAnchoring() {
        queryService.seal(7, root(7, 1), 17);
        queryService.seal(8, root(8, 1), 18);
        double reorgsBefore = metric("chain_listener_reorgs_total");
        String snapshot = anvil.snapshot();
        Anchored orphaned = chain.anchor(7, root(7, 1), 17, "exec-7-fork-a");
        anvil.mine(PAST_FINALITY);
        awaitMark(orphaned);
        await().atMost(WAIT).until(() -> status().getLong("last_processed_block") > orphaned.blockNumber());
        long cursorOnForkA = status().getLong("last_processed_block");
        String hashOnForkA = anvil.blockHash(cursorOnForkA);

        anvil.revert(snapshot);
        anvil.mine(3);
        Anchored canonical = chain.anchor(7, root(7, 1), 17, "exec-7-fork-b");
        Anchored eighth = chain.anchor(8, root(8, 1), 18, "exec-8");
        anvil.mine(PAST_FINALITY + 10);
        assertNotEquals(orphaned.txHash(), canonical.txHash());
        assertNotEquals(orphaned.blockNumber(), canonical.blockNumber());
        assertNotEquals(hashOnForkA, anvil.blockHash(cursorOnForkA), "the cursor block was replaced");

        awaitMark(canonical);
        awaitMark(eighth);
        assertTrue(metric("chain_listener_reorgs_total") > reorgsBefore);
        assertEquals(2, queryService.effectiveMarks(7).size(), "fork A's mark was replaced by the canonical one");
        // The mark reaches query-service before the listener commits its own record of the batch: wait for both.
        await().atMost(WAIT).until(() -> {
            List<Map<String, Object>> recent = given().get("/api/v1/listener/batches?limit=2").then().statusCode(200)
                    .extract().jsonPath().getList("$");
            return recent.size() == 2 && Integer.valueOf(8).equals(recent.get(0).get("batch_id"))
                    && canonical.txHash().equals(recent.get(1).get("blockchain_tx_hash"));
        });
        List<Map<String, Object>> batches = given().get("/api/v1/listener/batches?limit=2").then().statusCode(200)
                .extract().jsonPath().getList("$");
        assertEquals(8, batches.get(0).get("batch_id"));
        assertEquals(7, batches.get(1).get("batch_id"));
        assertEquals(canonical.txHash(), batches.get(1).get("blockchain_tx_hash"));
        assertEquals((int) canonical.blockNumber(), batches.get(1).get("blockchain_block_number"));
        JsonPath status = status();
        assertEquals(anvil.blockHash(status.getLong("last_processed_block")),
                status.getString("last_processed_block_hash"), "the cursor is on the canonical chain");
    }

    @Test
    @Order(4)
    void rpcOutageIsRetriedWithBackoffAndRecovers() {
        double failuresBefore = metric("chain_listener_poll_failures_total");
        anvil.stop();
        await().atMost(WAIT).untilAsserted(() -> {
            JsonPath health = readiness(503);
            assertEquals("DOWN", health.getString("status"));
            assertEquals("polls keep failing",
                    health.getString("checks.find { it.name == 'chain-listener' }.data.problem"));
        });
        JsonPath during = status();
        assertTrue(during.getLong("consecutive_failures") >= 3);
        assertTrue(during.getString("last_error").contains("RPC"), during.getString("last_error"));
        assertTrue(metric("chain_listener_poll_failures_total") > failuresBefore);

        anvil.restart();
        Anchored ninth = sealAndAnchor(9);
        anvil.mine(PAST_FINALITY);
        awaitMark(ninth);
        await().atMost(WAIT).untilAsserted(() -> assertEquals("UP", readiness(200).getString("status")));
        assertEquals(0, status().getLong("consecutive_failures"));
        assertEquals(1, queryService.acceptedMarks(9).size());
        assertEquals(1, queryService.acceptedMarks(8).size(), "no replay of earlier batches after the outage");
    }

    @Test
    @Order(5)
    void rootMismatchRaisesTheTamperAlarmAndIsNeverMarked() {
        queryService.seal(10, root(10, 1), 20);
        Anchored tampered = chain.anchor(10, root(10, 2), 20, "exec-10");
        Anchored eleventh = sealAndAnchor(11);
        anvil.mine(PAST_FINALITY);

        awaitMark(eleventh);
        await().atMost(WAIT).untilAsserted(() -> {
            JsonPath health = readiness(503);
            assertEquals("DOWN", health.getString("status"));
            assertTrue(health.getString("checks.find { it.name == 'chain-listener' }.data.problem")
                    .startsWith("tamper alarm"));
        });
        assertNull(queryService.currentMark(10), "a mismatching batch is never marked");
        assertTrue(queryService.acceptedMarks(10).isEmpty());
        assertEquals(1.0, metric("chain_listener_root_mismatches_total"));
        assertEquals(1.0, metric("chain_listener_open_root_mismatches"));
        await().atMost(WAIT).until(() -> List.of(11, 10).equals(given().get("/api/v1/listener/batches?limit=2")
                .then().extract().jsonPath().getList("batch_id")));
        List<Map<String, Object>> batches = given().get("/api/v1/listener/batches?limit=2").then().statusCode(200)
                .extract().jsonPath().getList("$");
        assertEquals(10, batches.get(1).get("batch_id"));
        assertEquals("ROOT_MISMATCH", batches.get(1).get("status"));
        assertEquals(root(10, 2), batches.get(1).get("onchain_root"));
        assertEquals(root(10, 1), batches.get(1).get("sealed_root"));
        assertEquals(tampered.txHash(), batches.get(1).get("blockchain_tx_hash"));
    }
}
