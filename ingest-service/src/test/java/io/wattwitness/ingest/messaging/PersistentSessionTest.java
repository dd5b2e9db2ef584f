package io.wattwitness.ingest.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wattwitness.kafka.KafkaBrokerTestResource;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Readings published while ingest is down reach Kafka when it connects: {@link OfflineReadingsTestResource}
 * published them into the persistent session of the service's client id before the application started.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerTestResource.class)
@WithTestResource(OfflineReadingsTestResource.class)
class PersistentSessionTest {

    private final String device = System.getProperty("wattwitness.test.offline.device");
    private final List<String> payloads = List.of(System.getProperty("wattwitness.test.offline.payloads").split("\n"));

    @Test
    void readingsPublishedWhileDownAreForwardedInOrder() {
        List<ConsumerRecord<String, byte[]>> records = KafkaProbe.await("readings.raw",
                record -> device.equals(record.key()), OfflineReadingsTestResource.READINGS);
        assertEquals(payloads, records.stream().map(KafkaProbe::text).toList());
        for (ConsumerRecord<String, byte[]> record : records) {
            assertEquals("mqtt", KafkaProbe.header(record, KafkaForwarder.HEADER_SOURCE));
            assertEquals(TestDevice.topics().readings(device), KafkaProbe.header(record, KafkaForwarder.HEADER_TOPIC));
        }
        // counted after the producer's ack, which may come after a consumer already sees the records
        await().atMost(Duration.ofSeconds(30)).until(() -> Metrics.value("ingest_readings_forwarded_total")
                >= OfflineReadingsTestResource.READINGS);
    }
}
