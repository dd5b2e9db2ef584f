package io.wattwitness.ingest.messaging;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wattwitness.kafka.KafkaBrokerTestResource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A broker that refuses ingest's credentials: both connections (readings and acks) are counted per CONNACK return
 * code and readiness is down. The log line names the code ("not authorized (CONNACK return code 5)").
 */
@QuarkusTest
@WithTestResource(KafkaBrokerTestResource.class)
@WithTestResource(RefusingBrokerTestResource.class)
class RefusedConnectionTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void refusedConnectionsAreCountedByReturnCodeAndReadinessIsDown() {
        String devices = "ingest_mqtt_connections_refused_total{client=\"devices\",reason=\"not_authorized\"}";
        String acks = "ingest_mqtt_connections_refused_total{client=\"acks\",reason=\"not_authorized\"}";
        await().atMost(WAIT).until(() -> Metrics.value(devices) >= 1 && Metrics.value(acks) >= 1);
        given().get("/q/health/ready").then().statusCode(503).body("status", equalTo("DOWN"));
        assertEquals(0, Metrics.value("ingest_readings_received_total"));
    }
}
