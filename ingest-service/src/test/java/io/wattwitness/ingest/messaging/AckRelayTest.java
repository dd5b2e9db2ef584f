package io.wattwitness.ingest.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wattwitness.kafka.KafkaBrokerTestResource;
import io.wattwitness.reading.DeviceAck;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractMap.SimpleEntry;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ack relay against the real parts: records put on Kafka {@code devices.acks} the way verify-service writes them
 * (key device id, value {@code DeviceAck.toJson()}) come out on the machine's Mosquitto at {@code <root>/{id}/ack};
 * ingest itself acknowledges nothing.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerTestResource.class)
@WithTestResource(OfflineReadingsTestResource.class)
class AckRelayTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ACKS = "devices.acks";
    private static final String RELAYED = "ingest_acks_relayed_total";
    private static final String BAD_KEY = "ingest_ack_records_invalid_total{reason=\"bad_key\"}";
    private static final String BAD_VALUE = "ingest_ack_records_invalid_total{reason=\"bad_value\"}";

    @BeforeEach
    void startupTrafficIsDone() {
        await().atMost(WAIT).until(() -> Metrics.value("ingest_readings_forwarded_total")
                >= OfflineReadingsTestResource.READINGS);
    }

    @Test
    void anAckRecordArrivesOnTheDevicesAckTopicWithTheSameJson() throws Exception {
        TestDevice device = new TestDevice();
        long[] stored = LongStream.concat(LongStream.rangeClosed(0, 41), LongStream.rangeClosed(43, 99)).toArray();
        String json = DeviceAck.of(7, stored, new long[] {42}).get(0).toJson();
        assertEquals("{\"boot\":7,\"stored\":[[0,41],[43,99]],\"refused\":[[42,42]]}", json);
        double relayedBefore = Metrics.value(RELAYED);
        KafkaProbe.TopicPartitionOffset written;
        try (MqttTestClient deviceClient = MqttTestClient.connect()) {
            deviceClient.subscribe(device.ackTopic());
            written = KafkaProbe.produceOne(ACKS, device.id(), json.getBytes(StandardCharsets.UTF_8));
            await().atMost(WAIT).until(() -> !deviceClient.payloads(device.ackTopic()).isEmpty());
            List<MqttTestClient.Received> received = deviceClient.received();
            assertEquals(1, received.size());
            assertEquals(new MqttTestClient.Received(device.ackTopic(), json, 1, false), received.get(0));
        }
        awaitExactly(RELAYED, relayedBefore + 1);
        // once relayed, the group's offset moves past the record
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> KafkaProbe.committed(KafkaProbe.acksGroup(), ACKS)
                .getOrDefault(written.partition(), -1L) > written.offset());
    }

    @Test
    void invalidAckRecordsAreCountedAndSkippedAndTheNextValidOneIsRelayed() throws Exception {
        TestDevice device = new TestDevice();
        String valid = DeviceAck.of(3, new long[] {0, 1, 2}, new long[0]).get(0).toJson();
        double badKeyBefore = Metrics.value(BAD_KEY);
        double badValueBefore = Metrics.value(BAD_VALUE);
        double relayedBefore = Metrics.value(RELAYED);
        try (MqttTestClient deviceClient = MqttTestClient.connect()) {
            deviceClient.subscribe(device.ackTopic());
            KafkaProbe.produce(ACKS, List.of(
                    record(device.id().toUpperCase(), valid),
                    record(null, valid),
                    record(device.id(), "{\"boot\":3,\"seq\":2}"),
                    record(device.id(), "{\"boot\":3,\"stored\":[[5,4]],\"refused\":[]}"),
                    new SimpleEntry<>(device.id(), null),
                    record(device.id(), valid)));
            await().atMost(WAIT).until(() -> !deviceClient.payloads(device.ackTopic()).isEmpty());
            awaitExactly(BAD_KEY, badKeyBefore + 2);
            awaitExactly(BAD_VALUE, badValueBefore + 3);
            awaitExactly(RELAYED, relayedBefore + 1);
            assertEquals(List.of(valid), deviceClient.payloads(device.ackTopic()));
        }
    }

    @Test
    void readingsReachReadingsRawButIngestPublishesNoAckForThem() throws Exception {
        TestDevice device = new TestDevice();
        String marker = DeviceAck.of(9, new long[0], new long[] {1000}).get(0).toJson();
        try (MqttTestClient deviceClient = MqttTestClient.connect()) {
            deviceClient.subscribe(device.ackTopic());
            for (long seq = 0; seq < 3; seq++) {
                deviceClient.publish(device.readingsTopic(), device.envelope(9, seq));
            }
            assertEquals(3, KafkaProbe.await("readings.raw", r -> device.id().equals(r.key()), 3).size());
            // the relay is alive: an ack given to it arrives, and it is the only message on the topic
            KafkaProbe.produce(ACKS, List.of(record(device.id(), marker)));
            await().atMost(WAIT).until(() -> !deviceClient.payloads(device.ackTopic()).isEmpty());
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> deviceClient.payloads(device.ackTopic()).equals(List.of(marker)));
            assertFalse(deviceClient.received().stream().anyMatch(r -> !r.topic().equals(device.ackTopic())));
        }
    }

    private static Map.Entry<String, byte[]> record(String key, String value) {
        return new SimpleEntry<>(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void awaitExactly(String series, double expected) {
        await().atMost(WAIT).until(() -> Metrics.value(series) >= expected);
        assertEquals(expected, Metrics.value(series), series);
    }
}
