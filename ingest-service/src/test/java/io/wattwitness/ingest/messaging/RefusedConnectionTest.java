package io.wattwitness.ingest.messaging;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wattwitness.kafka.KafkaBrokerTestResource;
import io.wattwitness.reading.DeviceAck;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A broker that refuses ingest's credentials: both connections (readings and acks) are counted per CONNACK return
 * code and readiness is down. The log line names the code ("not authorized (CONNACK return code 5)"). An ack given
 * to the relay meanwhile is retried, not dropped, and its Kafka offset is not committed.
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

    @Test
    void anAckThatCannotBePublishedIsRetriedAndItsOffsetStaysUncommitted() throws Exception {
        String failures = "ingest_ack_relay_failures_total";
        double failuresBefore = Metrics.value(failures);
        String json = DeviceAck.of(1, new long[] {0}, new long[0]).get(0).toJson();
        KafkaProbe.produceOne("devices.acks", "00112233445566aa", json.getBytes(StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> Metrics.value(failures) >= failuresBefore + 2);
        assertEquals(0, Metrics.value("ingest_acks_relayed_total"));
        assertEquals(Map.of(), KafkaProbe.committed(KafkaProbe.acksGroup(), "devices.acks"));
    }
}
