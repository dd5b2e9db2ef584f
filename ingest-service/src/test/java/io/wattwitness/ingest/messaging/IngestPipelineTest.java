package io.wattwitness.ingest.messaging;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wattwitness.kafka.KafkaBrokerTestResource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The wiring against real parts: the machine's Mosquitto and a real Kafka broker. Every test uses fresh device
 * keys under a topic root of its own, so the counters move only by what the test sends: each test waits for the
 * exact increase of the counters it touches, leaving them settled for the next one.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerTestResource.class)
@WithTestResource(OfflineReadingsTestResource.class)
class IngestPipelineTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static final String RECEIVED = "ingest_readings_received_total";
    private static final String FORWARDED = "ingest_readings_forwarded_total";

    @BeforeEach
    void startupTrafficIsDone() {
        // the readings OfflineReadingsTestResource queued are delivered when the application connects
        awaitAtLeast(FORWARDED, OfflineReadingsTestResource.READINGS);
    }

    @Test
    void validReadingsGoToReadingsRawKeyedByDeviceWithHeaders() throws Exception {
        double forwardedBefore = Metrics.value(FORWARDED);
        double receivedBefore = Metrics.value(RECEIVED);
        TestDevice device = new TestDevice();
        List<byte[]> sent = List.of(device.envelope(3, 0), device.envelope(3, 1), device.envelope(3, 2));
        long before = System.currentTimeMillis();
        try (MqttTestClient client = MqttTestClient.connect()) {
            for (byte[] envelope : sent) {
                client.publish(device.readingsTopic(), envelope);
            }
        }
        List<ConsumerRecord<String, byte[]>> records = KafkaProbe.await("readings.raw",
                record -> device.id().equals(record.key()), sent.size());
        assertEquals(sent.size(), records.size());
        long after = System.currentTimeMillis();
        for (int i = 0; i < sent.size(); i++) {
            ConsumerRecord<String, byte[]> record = records.get(i);
            assertArrayEquals(sent.get(i), record.value());
            assertEquals("mqtt", KafkaProbe.header(record, KafkaForwarder.HEADER_SOURCE));
            assertEquals(device.readingsTopic(), KafkaProbe.header(record, KafkaForwarder.HEADER_TOPIC));
            long receivedAt = Long.parseLong(KafkaProbe.header(record, KafkaForwarder.HEADER_RECEIVED_AT));
            assertTrue(receivedAt >= before && receivedAt <= after, "received at " + receivedAt);
        }
        awaitExactly(FORWARDED, forwardedBefore + 3);
        assertEquals(receivedBefore + 3, Metrics.value(RECEIVED));
    }

    @Test
    void envelopesThatCannotBeAcceptedGoToReadingsRejectedWithTheirReason() throws Exception {
        TestDevice device = new TestDevice();
        TestDevice other = new TestDevice();
        String valid = new String(device.envelope(1, 0), StandardCharsets.UTF_8);
        JsonNode parsed = MAPPER.readTree(valid);
        String messageHex = parsed.get("message").textValue();
        String signatureHex = parsed.get("signature").textValue();
        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put("malformed_json", utf8("{\"message\":"));
        cases.put("missing_member", utf8("{\"message\":\"" + messageHex + "\"}"));
        cases.put("message_length", utf8("{\"message\":\"" + messageHex.substring(2) + "\",\"signature\":\""
                + signatureHex + "\"}"));
        cases.put("signature_length", utf8("{\"message\":\"" + messageHex + "\",\"signature\":\""
                + signatureHex + "00\"}"));
        cases.put("payload_too_large", new byte[5000]);
        double receivedBefore = Metrics.value(RECEIVED);
        double forwardedBefore = Metrics.value(FORWARDED);
        Map<String, Double> before = new LinkedHashMap<>();
        for (String reason : List.of("malformed_json", "missing_member", "message_length", "signature_length",
                "payload_too_large", "topic_mismatch")) {
            before.put(reason, Metrics.value("ingest_readings_rejected_total{reason=\"" + reason + "\"}"));
        }
        try (MqttTestClient client = MqttTestClient.connect()) {
            for (byte[] payload : cases.values()) {
                client.publish(device.readingsTopic(), payload);
            }
            client.publish(other.readingsTopic(), utf8(valid));
        }

        List<ConsumerRecord<String, byte[]>> records = KafkaProbe.await("readings.rejected",
                record -> device.id().equals(record.key()), cases.size());
        assertEquals(cases.size(), records.size());
        int i = 0;
        for (Map.Entry<String, byte[]> expected : cases.entrySet()) {
            JsonNode value = MAPPER.readTree(records.get(i++).value());
            assertEquals(expected.getKey(), value.get("reason").textValue());
            assertArrayEquals(expected.getValue(), Base64.getDecoder().decode(value.get("raw_base64").textValue()));
            assertEquals("mqtt", value.get("source").textValue());
            assertEquals(device.readingsTopic(), value.get("topic").textValue());
            assertTrue(value.get("detail").textValue().length() > 0);
            assertTrue(value.get("received_at").longValue() > 0);
        }
        List<ConsumerRecord<String, byte[]>> mismatch = KafkaProbe.await("readings.rejected",
                record -> other.id().equals(record.key()), 1);
        JsonNode value = MAPPER.readTree(mismatch.get(0).value());
        assertEquals("topic_mismatch", value.get("reason").textValue());
        assertEquals("topic names device " + other.id() + " but the message is from device " + device.id(),
                value.get("detail").textValue());
        assertEquals(valid, new String(Base64.getDecoder().decode(value.get("raw_base64").textValue()),
                StandardCharsets.UTF_8));
        assertEquals(List.of(), KafkaProbe.snapshot("readings.raw", record -> other.id().equals(record.key())
                || device.id().equals(record.key())));

        for (Map.Entry<String, Double> entry : before.entrySet()) {
            String series = "ingest_readings_rejected_total{reason=\"" + entry.getKey() + "\"}";
            awaitExactly(series, entry.getValue() + 1);
        }
        assertEquals(receivedBefore + cases.size() + 1, Metrics.value(RECEIVED));
        assertEquals(forwardedBefore, Metrics.value(FORWARDED));
    }

    @Test
    void aPayloadTooLargeForAKafkaRecordIsRejectedAndDoesNotBlockTheDevicesReadings() throws Exception {
        double forwardedBefore = Metrics.value(FORWARDED);
        String tooLarge = "ingest_readings_rejected_total{reason=\"payload_too_large\"}";
        double tooLargeBefore = Metrics.value(tooLarge);
        TestDevice device = new TestDevice();
        byte[] huge = new byte[1_000_000];
        Arrays.fill(huge, (byte) '{');
        byte[] valid = device.envelope(4, 0);
        try (MqttTestClient client = MqttTestClient.connect()) {
            client.publish(device.readingsTopic(), huge);
            client.publish(device.readingsTopic(), valid);
        }
        List<ConsumerRecord<String, byte[]>> rejected = KafkaProbe.await("readings.rejected",
                record -> device.id().equals(record.key()), 1);
        JsonNode value = MAPPER.readTree(rejected.get(0).value());
        assertEquals("payload_too_large", value.get("reason").textValue());
        assertEquals(1_000_000, value.get("raw_length").intValue());
        assertArrayEquals(Arrays.copyOf(huge, 65_536), Base64.getDecoder().decode(value.get("raw_base64").textValue()));
        List<ConsumerRecord<String, byte[]>> forwarded = KafkaProbe.await("readings.raw",
                record -> device.id().equals(record.key()), 1);
        assertArrayEquals(valid, forwarded.get(0).value());
        // the counters move after the producer's ack, which a consumer may see the record before: settle them
        awaitExactly(FORWARDED, forwardedBefore + 1);
        awaitExactly(tooLarge, tooLargeBefore + 1);
    }

    @Test
    void statusMessagesGoToDevicesStatusAndMalformedOnesAreRejected() throws Exception {
        TestDevice device = new TestDevice();
        String birth = "{\"state\":\"online\",\"boot\":3,\"firmware\":\"0.9.1\",\"ts\":1767225600000}";
        String bad = "{\"state\":\"asleep\"}";
        double statusBefore = Metrics.value("ingest_status_forwarded_total");
        String malformedStatus = "ingest_readings_rejected_total{reason=\"malformed_status\"}";
        double malformedBefore = Metrics.value(malformedStatus);
        try (MqttTestClient client = MqttTestClient.connect()) {
            client.publish(device.statusTopic(), utf8(birth));
            client.publish(device.statusTopic(), utf8(bad));
        }
        ConsumerRecord<String, byte[]> status = KafkaProbe.await("devices.status",
                record -> device.id().equals(record.key()), 1).get(0);
        JsonNode value = MAPPER.readTree(status.value());
        assertEquals(device.id(), value.get("device_id").textValue());
        assertEquals("online", value.get("state").textValue());
        assertEquals(3, value.get("boot").longValue());
        assertEquals(birth, value.get("payload").textValue());
        assertTrue(value.get("received_at").longValue() > 0);

        JsonNode rejected = MAPPER.readTree(KafkaProbe.await("readings.rejected",
                record -> device.id().equals(record.key()), 1).get(0).value());
        assertEquals("malformed_status", rejected.get("reason").textValue());
        assertEquals(device.statusTopic(), rejected.get("topic").textValue());
        assertEquals(bad, new String(Base64.getDecoder().decode(rejected.get("raw_base64").textValue()),
                StandardCharsets.UTF_8));
        awaitExactly("ingest_status_forwarded_total", statusBefore + 1);
        awaitExactly(malformedStatus, malformedBefore + 1);
    }

    @Test
    void healthCoversTheMqttAndKafkaConnections() {
        await().atMost(WAIT).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        given().get("/q/health").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("mqtt-devices"))
                .body("checks.name", hasItem("mqtt-acks"))
                .body("checks.name", hasItem("SmallRye Reactive Messaging - readiness check"));
    }

    /** Waits until a counter reaches a value, then checks it did not overshoot. */
    private static void awaitExactly(String series, double expected) {
        await().atMost(WAIT).until(() -> Metrics.value(series) >= expected);
        assertEquals(expected, Metrics.value(series), series);
    }

    private static void awaitAtLeast(String series, double expected) {
        await().atMost(WAIT).until(() -> Metrics.value(series) >= expected);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
