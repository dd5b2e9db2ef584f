package io.wattwitness.ingest.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wattwitness.kafka.KafkaBrokerTestResource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;

/**
 * The broker's own counters reach {@code /q/metrics}: a session that is offline with more QoS 1 messages waiting
 * than the machine's Mosquitto queues per client (its default {@code max_queued_messages 1000}) makes the broker drop
 * the excess, and {@code ingest_broker_publish_dropped} rises by at least that many within the broker's
 * {@code sys_interval} (10 s by default).
 */
@QuarkusTest
@WithTestResource(KafkaBrokerTestResource.class)
@WithTestResource(OfflineReadingsTestResource.class)
class BrokerStatisticsTest {

    /** Published into the offline session: 200 beyond the broker's default queue of 1,000. */
    private static final int PUBLISHED = 1_200;

    @Test
    void brokerDropsAndStoredMessagesAreExposed() throws Exception {
        await().atMost(Duration.ofSeconds(40)).until(() -> Metrics.value("ingest_broker_messages_stored") > 0);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !Double.isNaN(Metrics.value("ingest_broker_publish_dropped")));
        double before = Metrics.value("ingest_broker_publish_dropped");

        String sessionId = "ww-ingest-test-full-" + UUID.randomUUID().toString().substring(0, 8);
        String topic = System.getProperty(OfflineReadingsTestResource.TOPIC_ROOT_PROPERTY) + "/queue-test/data";
        MqttTestClient.connect(sessionId, false).subscribeAndClose(topic);
        try {
            try (MqttTestClient publisher = MqttTestClient.connect()) {
                for (int i = 0; i < PUBLISHED; i++) {
                    publishWhenTheClientHasRoom(publisher, topic, Integer.toString(i));
                }
            }
            await().atMost(Duration.ofSeconds(40))
                    .until(() -> Metrics.value("ingest_broker_publish_dropped") - before >= PUBLISHED - 1_000);
            double after = Metrics.value("ingest_broker_publish_dropped");
            assertTrue(after - before >= PUBLISHED - 1_000, "dropped rose from " + before + " to " + after);
        } finally {
            MqttTestClient.discardSession(sessionId);
        }
    }

    /** Paho frees an in-flight slot a moment after the PUBACK it waited for: retry while its window is full. */
    private static void publishWhenTheClientHasRoom(MqttTestClient publisher, String topic, String text)
            throws Exception {
        for (int attempt = 0;; attempt++) {
            try {
                publisher.publish(topic, text.getBytes(StandardCharsets.US_ASCII));
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT || attempt == 1_000) {
                    throw e;
                }
                Thread.sleep(2);
            }
        }
    }
}
