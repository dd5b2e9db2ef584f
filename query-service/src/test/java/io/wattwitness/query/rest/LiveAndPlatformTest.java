package io.wattwitness.query.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wattwitness.kafka.KafkaBrokerTestResource;
import io.wattwitness.query.QueryDatabaseTestResource;
import io.wattwitness.query.TestData;
import io.wattwitness.query.TestData.Device;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(QueryDatabaseTestResource.class)
@QuarkusTestResource(KafkaBrokerTestResource.class)
class LiveAndPlatformTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void streamDeliversStatusReadingsAndHeartbeats() throws Exception {
        Device device = TestData.installation("UTC");
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "api/v1/readings/" + device.id() + "/stream"))
                .header("Accept", "text/event-stream").build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (Exception e) {
                lines.add("closed: " + e);
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
            TestData.await("initial status event", 30, () -> lines.contains("event:status") || lines.contains("event: status"));

            // a reading published on readings.verified reaches the stream (re-published until the live consumer joined)
            long id = TestData.storeReading(device, 1, 0, System.currentTimeMillis(), 2_400_000, 1_000_000, 1, "verified");
            long deadline = System.currentTimeMillis() + 60_000;
            boolean seen = false;
            while (!seen && System.currentTimeMillis() < deadline) {
                TestData.publishVerified(device, id, 1, 0, System.currentTimeMillis(), 2_400_000, 1_000_000, "verified");
                for (int i = 0; i < 20 && !seen; i++) {
                    Thread.sleep(100);
                    seen = lines.stream().anyMatch(line -> line.startsWith("data") && line.contains("\"id\":" + id + ",")
                            && line.contains("\"power_w\":2400.0"));
                }
            }
            assertTrue(seen, "reading event received: " + lines);
            assertTrue(lines.contains("event:reading") || lines.contains("event: reading"));

            // a birth message on devices.status becomes a status event and the stored connection state
            TestData.send("devices.status", device.deviceId(), "{\"device_id\":\"" + device.deviceId()
                    + "\",\"state\":\"online\",\"boot\":4,\"payload\":\"{}\",\"received_at\":" + System.currentTimeMillis() + "}");
            TestData.await("status event online", 60, () -> lines.stream()
                    .anyMatch(line -> line.startsWith("data") && line.contains("\"state\":\"online\"")));
            TestData.await("heartbeat", 30, () -> lines.stream().anyMatch(line -> line.startsWith(":")));
        } finally {
            response.body().close();
        }
        // the waits above may take longer than stale-after (30 s): the device's next reading keeps it live
        TestData.storeReading(device, 1, 1, System.currentTimeMillis(), 2_400_000, 1_000_500, 1, "verified");
        given().get("/api/v1/installations/" + device.id() + "/status").then().statusCode(200)
                .body("device_connection.state", equalTo("online")).body("device_connection.boot", equalTo(4))
                .body("liveness.state", equalTo("live")).body("liveness.expected_interval_s", equalTo(10))
                .body("overall", equalTo("ok")).body("anchoring.state", equalTo("none"));

        TestData.send("devices.status", device.deviceId(), "{\"device_id\":\"" + device.deviceId()
                + "\",\"state\":\"offline\",\"boot\":4,\"payload\":\"{}\",\"received_at\":" + System.currentTimeMillis() + "}");
        TestData.await("offline stored", 60, () -> "offline".equals(given().get("/api/v1/installations/" + device.id()
                + "/status").jsonPath().getString("device_connection.state")));
        given().get("/api/v1/installations/" + device.id() + "/status").then().body("overall", equalTo("degraded"));
    }

    @Test
    void theStreamOfAnUnknownOrMalformedInstallationIsAProblemNotAnEmptyStream() {
        given().header("Accept", "text/event-stream").get("/api/v1/readings/987654321/stream").then()
                .statusCode(404).contentType("application/problem+json");
        given().header("Accept", "text/event-stream").get("/api/v1/readings/x1/stream").then()
                .statusCode(400).contentType("application/problem+json").body("field", equalTo("installation_id"));
    }

    @Test
    void statusOfASilentInstallation() {
        Device device = TestData.installation("UTC");
        given().get("/api/v1/installations/" + device.id() + "/status").then().statusCode(200)
                .body("installation_id", equalTo((int) device.id())).body("liveness.state", equalTo("unknown"))
                .body("device_connection.state", equalTo("unknown")).body("anchoring.state", equalTo("none"));
        // a re-sent old reading does not make the device live: liveness follows the newest (boot, seq)
        TestData.storeReading(device, 2, 10, System.currentTimeMillis() - 3_600_000, 1, 1, 1, "verified");
        TestData.storeReading(device, 2, 3, System.currentTimeMillis(), 1, 1, 1, "verified");
        given().get("/api/v1/installations/" + device.id() + "/status").then().statusCode(200)
                .body("liveness.state", anyOf(equalTo("stale"), equalTo("dead"))).body("overall", notNullValue());
        given().get("/api/v1/installations/0/status").then().statusCode(400);
        given().get("/api/v1/readings/abc/stream").then().statusCode(400);
    }

    @Test
    void chainHealthMetricsAndOpenApi() {
        given().get("/api/v1/chain").then().statusCode(200).body("chain_id", equalTo(43113))
                .body("rpc_url", equalTo("https://api.avax-test.network/ext/bc/C/rpc"))
                .body("contract_address", equalTo("0x5FbDB2315678afecb367f032d93F642f64180aa3"))
                .body("explorer_tx_url_template", containsString("{tx}"));
        given().get("/api/v1/chain/").then().statusCode(200);
        given().get("/health").then().statusCode(200).body("checks.database.status", equalTo("UP"))
                .body("checks.kafka.status", equalTo("UP")).body("checks.devices.status", notNullValue())
                .body("checks.anchoring.status", notNullValue())
                .body("status", anyOf(equalTo("UP"), equalTo("DEGRADED")));
        given().get("/q/health/ready").then().statusCode(200).body(containsString("database"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("http_server_requests"));
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/readings/{installation_id}/chart"))
                // schemas in the wire's snake_case
                .body(containsString("shelly_mac:")).body(containsString("rotate_key:"))
                .body(not(containsString("shellyMac"))).body(not(containsString("capacityW")));
        given().get("/api/v1/nothing-here").then().statusCode(404).contentType("application/problem+json");
    }
}
