package io.wattwitness.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKafkaBrokerTest {

    @Test
    void storesRecordsDurablyAcrossARestart(@TempDir Path dir) throws Exception {
        int port = LocalKafkaBroker.freePort();
        RecordMetadata written;
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir, port);
                KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                        new StringSerializer(), new StringSerializer())) {
            written = producer.send(new ProducerRecord<>("broker.test", "device-1", "reading-1"))
                    .get(60, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>("broker.test", "device-1", "reading-2")).get(60, TimeUnit.SECONDS);
        }
        assertEquals("broker.test", written.topic());
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir, port);
                KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG, "broker-test",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                        new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("broker.test"));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (values.size() < 2 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    assertEquals("device-1", record.key());
                    values.add(record.value());
                }
            }
            assertEquals(List.of("reading-1", "reading-2"), values);
            assertTrue(broker.bootstrapServers().endsWith(":" + port));
        }
    }

    @Test
    void keepsAcknowledgedRecordsThroughSigkill(@TempDir Path dir) throws Exception {
        LocalKafkaBroker broker = LocalKafkaBroker.start(dir, 0);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>("broker.kill", "device-1", "reading-" + i)).get(60, TimeUnit.SECONDS);
            }
        }
        broker.kill();
        assertFalse(broker.isAlive());
        try (LocalKafkaBroker restarted = broker.restart();
                KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, restarted.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG, "broker-kill-test",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                        new StringDeserializer(), new StringDeserializer())) {
            assertEquals(broker.bootstrapServers(), restarted.bootstrapServers());
            consumer.subscribe(List.of("broker.kill"));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (values.size() < 50 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
            assertEquals(50, values.size());
            assertEquals("reading-0", values.get(0));
            assertEquals("reading-49", values.get(49));
        }
    }
    @Test
    void clusterIdsAreSixteenBytesAndNeverLookLikeAnOption() {
        for (int i = 0; i < 20_000; i++) {
            String id = LocalKafkaBroker.clusterId();
            assertFalse(id.startsWith("-"), id);
            assertEquals(16, java.util.Base64.getUrlDecoder().decode(id).length, id);
        }
    }
}
