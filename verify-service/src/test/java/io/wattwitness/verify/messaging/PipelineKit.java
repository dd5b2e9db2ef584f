package io.wattwitness.verify.messaging;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.RestAssured;
import io.wattwitness.reading.DeviceSigner;
import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.ReadingMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Test helpers for the Quarkus tests: the real Kafka broker (producer, readings.verified reader), the real
 * PostgreSQL (registration by inserting rows, queries), metrics. Fresh random keys and MACs each time, so the
 * tests pass on a database with leftovers.
 */
final class PipelineKit implements AutoCloseable {

    static final SecureRandom RANDOM = new SecureRandom();
    static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaProducer<String, byte[]> producer;

    PipelineKit() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producer = new KafkaProducer<>(properties);
    }

    static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    static String topic(String name) {
        return ConfigProvider.getConfig().getValue("wattwitness.topics." + name, String.class);
    }

    static Connection db() throws SQLException {
        var config = ConfigProvider.getConfig();
        Properties properties = new Properties();
        properties.setProperty("user", config.getValue("quarkus.datasource.username", String.class));
        config.getOptionalValue("quarkus.datasource.password", String.class)
                .ifPresent(password -> properties.setProperty("password", password));
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class), properties);
    }

    static String databaseName() {
        return ConfigProvider.getConfig().getValue("wattwitness.db.name", String.class);
    }

    // --- registration ---------------------------------------------------------------------------------------------

    /** Registers an installation whose current key is {@code current} and which once had the {@code retired} keys. */
    static long registerInstallation(DeviceSigner current, DeviceSigner... retired) throws SQLException {
        try (Connection connection = db()) {
            long id;
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO installations (name, shelly_mac,"
                    + " public_key, device_id) VALUES (?, ?, ?, ?) RETURNING id")) {
                insert.setString(1, "verify-test " + UUID.randomUUID());
                insert.setString(2, String.format("%012x", RANDOM.nextLong() & 0xFFFF_FFFF_FFFFL));
                insert.setString(3, current.publicKey().hex());
                insert.setString(4, current.publicKey().deviceIdHex());
                try (ResultSet rows = insert.executeQuery()) {
                    rows.next();
                    id = rows.getLong(1);
                }
            }
            addKey(connection, id, current, null);
            for (DeviceSigner old : retired) {
                addKey(connection, id, old, Instant.now());
            }
            return id;
        }
    }

    private static void addKey(Connection connection, long installationId, DeviceSigner device, Instant retiredAt)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO installation_keys (installation_id,"
                + " public_key, device_id, retired_at) VALUES (?, ?, ?, ?)")) {
            insert.setLong(1, installationId);
            insert.setString(2, device.publicKey().hex());
            insert.setString(3, device.publicKey().deviceIdHex());
            insert.setTimestamp(4, retiredAt == null ? null : Timestamp.from(retiredAt));
            insert.executeUpdate();
        }
    }

    // --- producing ------------------------------------------------------------------------------------------------

    static ReadingMessage message(DeviceSigner device, long boot, long seq, long timestampMs, long powerMw,
            long energyMwh, int flags) {
        return new ReadingMessage(device.publicKey().deviceId(), 0x34945a1b2c3dL, boot, seq, timestampMs, powerMw,
                energyMwh, flags);
    }

    static byte[] envelope(DeviceSigner device, ReadingMessage message) {
        byte[] bytes = message.encode();
        return new Envelope(bytes, device.sign(bytes)).toJson().getBytes(StandardCharsets.UTF_8);
    }

    /** A record as ingest-service writes it: key device id, envelope bytes, the three headers. */
    static ProducerRecord<String, byte[]> record(String topic, String key, byte[] value, long receivedAtMs) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        record.headers().add("ww-received-at", Long.toString(receivedAtMs).getBytes(StandardCharsets.UTF_8));
        record.headers().add("ww-source", "mqtt".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ww-topic", ("wattwitness/v1/devices/" + key + "/readings").getBytes(StandardCharsets.UTF_8));
        return record;
    }

    void send(List<ProducerRecord<String, byte[]>> records) {
        try {
            for (ProducerRecord<String, byte[]> record : records) {
                producer.send(record).get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not produce test records", e);
        }
    }

    // --- reading back ---------------------------------------------------------------------------------------------

    static List<Map<String, Object>> query(String sql, Object... parameters) {
        try (Connection connection = db(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                int columns = result.getMetaData().getColumnCount();
                while (result.next()) {
                    Map<String, Object> row = new HashMap<>();
                    for (int c = 1; c <= columns; c++) {
                        row.put(result.getMetaData().getColumnLabel(c), result.getObject(c));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long count(String sql, Object... parameters) {
        return ((Number) query(sql, parameters).get(0).values().iterator().next()).longValue();
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for " + what);
            }
        }
        fail("timed out after " + timeout + " waiting for " + what);
    }

    /**
     * Reads readings.verified from the beginning until the events about the given devices satisfy {@code done}
     * (or the timeout passes) and returns them in topic order per partition.
     */
    static List<JsonNode> verifiedEvents(List<String> deviceIds, Predicate<List<JsonNode>> done, Duration timeout) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "verify-test-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<JsonNode> events = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties)) {
            consumer.subscribe(List.of(topic("readings-verified")));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(events) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (deviceIds.contains(record.key())) {
                        JsonNode event = JSON.readTree(record.value());
                        if (!record.key().equals(event.get("device_id").asText())) {
                            fail("record key " + record.key() + " differs from the event's device id");
                        }
                        events.add(event);
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return events;
    }

    /**
     * Reads devices.acks from the beginning until the acks for the given devices satisfy {@code done} (or the
     * timeout passes); returns them in topic order (one device's acks share a partition, so they are in publication
     * order).
     */
    static List<DeviceAckRecord> acks(List<String> deviceIds, Predicate<List<DeviceAckRecord>> done, Duration timeout) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "verify-test-acks-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<DeviceAckRecord> acks = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties)) {
            consumer.subscribe(List.of(topic("devices-acks")));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(acks) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (deviceIds.contains(record.key())) {
                        acks.add(new DeviceAckRecord(record.key(), JSON.readTree(record.value()), record.value()));
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return acks;
    }

    /** One devices.acks record: key, parsed value and the value text. */
    record DeviceAckRecord(String deviceId, JsonNode ack, String json) {

        long boot() {
            return ack.get("boot").asLong();
        }

        boolean names(String list, long seq) {
            for (JsonNode range : ack.get(list)) {
                if (range.get(0).asLong() <= seq && seq <= range.get(1).asLong()) {
                    return true;
                }
            }
            return false;
        }
    }

    // --- metrics --------------------------------------------------------------------------------------------------

    /** The value of one Prometheus sample, e.g. {@code verify_readings_total{outcome="duplicate"}}; 0 when absent. */
    static double metric(String name, String... labels) {
        String body = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        double total = 0;
        for (String line : body.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            boolean matches = true;
            for (String label : labels) {
                matches &= line.contains(label);
            }
            if (matches) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
