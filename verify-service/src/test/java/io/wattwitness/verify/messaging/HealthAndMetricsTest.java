package io.wattwitness.verify.messaging;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.wattwitness.kafka.KafkaBrokerTestResource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Health covers PostgreSQL, Kafka and the pipeline; metrics are exposed in Prometheus format. */
@QuarkusTest
@WithTestResource(KafkaBrokerTestResource.class)
@WithTestResource(TestDatabaseResource.class)
class HealthAndMetricsTest {

    @Test
    void readinessIncludesDatabaseKafkaAndPipeline() {
        PipelineKit.await("ready", Duration.ofSeconds(60),
                () -> RestAssured.get("/q/health/ready").then().extract().statusCode() == 200);
        RestAssured.get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItems("Reactive PostgreSQL connections health check",
                        "Kafka connection health check", "SmallRye Reactive Messaging - readiness check",
                        "verify-pipeline"));
        RestAssured.get("/q/health/live").then().statusCode(200);
    }

    @Test
    void countersAreExposedInPrometheusFormat() {
        RestAssured.get("/q/metrics").then().statusCode(200)
                .body(containsString("verify_readings_total{outcome=\"verified\"}"))
                .body(containsString("verify_readings_total{outcome=\"quarantined\"}"))
                .body(containsString("verify_readings_total{outcome=\"duplicate\"}"))
                .body(containsString("verify_duplicates_total"))
                .body(containsString("verify_polls_total"))
                .body(containsString("verify_reevaluations_kept_sealed_total"));
    }

    /** Readings waiting in Kafka for verification: the consumer's lag, from the Kafka client's own metrics. */
    @Test
    void theConsumerLagIsExposed() {
        PipelineKit.await("Kafka consumer lag metric", Duration.ofSeconds(60),
                () -> RestAssured.get("/q/metrics").then().extract().asString()
                        .contains("kafka_consumer_fetch_manager_records_lag_max"));
    }
}
