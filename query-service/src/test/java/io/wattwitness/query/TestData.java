package io.wattwitness.query;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.wattwitness.reading.DeviceSigner;
import io.wattwitness.reading.Hex;
import io.wattwitness.reading.ReadingMessage;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Test fixtures: fresh installations through the API, readings stored the way verify-service stores them, and
 * {@code readings.verified} / {@code devices.status} records published to the real Kafka broker.
 */
public final class TestData {

    /** Operator token of the test profile. */
    public static final String OPERATOR = "Bearer test-operator-token";
    /** Anchoring token of the test profile. */
    public static final String ANCHORING = "Bearer test-anchoring-token";
    /** Device token of the test profile. */
    public static final String DEVICE = "Bearer test-device-token";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static KafkaProducer<String, String> producer;

    private TestData() {
    }

    /**
     * A registered installation with its signer.
     *
     * @param id installation id
     * @param signer the device key
     * @param mac meter MAC
     */
    public record Device(long id, DeviceSigner signer, String mac) {

        /** @return the device id hex */
        public String deviceId() {
            return signer.publicKey().deviceIdHex();
        }

        /** @return the MAC as a long */
        public long meterId() {
            return Long.parseLong(mac, 16);
        }
    }

    /** @return a fresh random 12-hex MAC */
    public static String randomMac() {
        byte[] mac = new byte[6];
        RANDOM.nextBytes(mac);
        return Hex.encode(mac);
    }

    /**
     * Registers a new installation with a fresh key.
     *
     * @param timezone IANA zone
     * @return the installation
     */
    public static Device installation(String timezone) {
        return installation(timezone, 4200);
    }

    /**
     * Registers a new installation with a fresh key and a given capacity.
     *
     * @param timezone IANA zone
     * @param capacityW nameplate capacity in W, or null for none
     * @return the installation
     */
    public static Device installation(String timezone, Integer capacityW) {
        DeviceSigner signer = DeviceSigner.generate(RANDOM);
        String mac = randomMac();
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", "Test roof " + mac, "shelly_mac", mac,
                "public_key", signer.publicKey().hex(), "timezone", timezone, "latitude", 50.85, "longitude", 4.35));
        if (capacityW != null) {
            body.put("capacity_w", capacityW);
        }
        long id = given().header("Authorization", OPERATOR).contentType(ContentType.JSON)
                .body(body)
                .post("/api/v1/installations/")
                .then().statusCode(201).extract().jsonPath().getLong("id");
        return new Device(id, signer, mac);
    }

    /**
     * Stores a signed reading as verify-service would.
     *
     * @param device installation
     * @param boot boot
     * @param seq seq
     * @param timestampMs reading time
     * @param powerMw power
     * @param energyMwh register
     * @param flags flags
     * @param status verified | anomaly | disputed
     * @return the reading id
     */
    public static long storeReading(Device device, long boot, long seq, long timestampMs, long powerMw, long energyMwh,
            int flags, String status) {
        try (Connection connection = QueryDatabaseTestResource.connect()) {
            return storeReading(connection, device, boot, seq, timestampMs, powerMw, energyMwh, flags, status);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stores a reading on the caller's connection, so that several can be committed together (the batch sealer
     * then sees all of them or none).
     *
     * @param connection an open connection; committed by the caller when it is not in auto-commit
     * @param device installation
     * @param boot boot
     * @param seq seq
     * @param timestampMs reading time
     * @param powerMw power
     * @param energyMwh register
     * @param flags flags
     * @param status verified | anomaly | disputed
     * @return the reading id
     */
    public static long storeReading(Connection connection, Device device, long boot, long seq, long timestampMs,
            long powerMw, long energyMwh, int flags, String status) {
        ReadingMessage message = new ReadingMessage(device.signer().publicKey().deviceId(), device.meterId(), boot, seq,
                timestampMs, powerMw, energyMwh, flags);
        byte[] bytes = message.encode();
        byte[] signature = device.signer().sign(bytes);
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO readings (installation_id, device_id, "
                        + "boot, seq, timestamp_ms, reading_time, power_mw, energy_mwh, power_w, total_wh, flags, message, "
                        + "signature, status, is_verified, verification_error, received_at, verified_at, meter_id) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), now(), ?) RETURNING id")) {
            insert.setLong(1, device.id());
            insert.setString(2, device.deviceId());
            insert.setLong(3, boot);
            insert.setLong(4, seq);
            insert.setLong(5, timestampMs);
            insert.setTimestamp(6, Timestamp.from(Instant.ofEpochMilli(timestampMs)));
            insert.setLong(7, powerMw);
            insert.setLong(8, energyMwh);
            insert.setDouble(9, powerMw / 1000.0);
            insert.setDouble(10, energyMwh / 1000.0);
            insert.setInt(11, flags);
            insert.setBytes(12, bytes);
            insert.setBytes(13, signature);
            insert.setString(14, status);
            insert.setBoolean(15, true);
            insert.setString(16, "verified".equals(status) ? null : status + " in test");
            insert.setString(17, device.mac().toLowerCase());
            try (ResultSet id = insert.executeQuery()) {
                id.next();
                return id.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Stores a reading and publishes its {@code readings.verified} record.
     *
     * @param device installation
     * @param seq seq (boot 1)
     * @param timestampMs reading time
     * @param powerMw power
     * @param energyMwh register
     * @return the reading id
     */
    public static long verified(Device device, long seq, long timestampMs, long powerMw, long energyMwh) {
        long id = storeReading(device, 1, seq, timestampMs, powerMw, energyMwh, 1, "verified");
        publishVerified(device, id, 1, seq, timestampMs, powerMw, energyMwh, "verified");
        return id;
    }

    /**
     * Publishes a {@code readings.verified} record (Kafka contract).
     *
     * @param device installation
     * @param id reading id
     * @param boot boot
     * @param seq seq
     * @param timestampMs reading time
     * @param powerMw power
     * @param energyMwh register
     * @param status status
     */
    public static void publishVerified(Device device, long id, long boot, long seq, long timestampMs, long powerMw,
            long energyMwh, String status) {
        Map<String, Object> value = new HashMap<>();
        value.put("id", id);
        value.put("installation_id", device.id());
        value.put("device_id", device.deviceId());
        value.put("boot", boot);
        value.put("seq", seq);
        value.put("timestamp_ms", timestampMs);
        value.put("power_mw", powerMw);
        value.put("energy_mwh", energyMwh);
        value.put("flags", 1);
        value.put("status", status);
        value.put("received_at", System.currentTimeMillis());
        value.put("verified_at", System.currentTimeMillis());
        send("readings.verified", device.deviceId(), toJson(value));
    }

    /**
     * @param topic topic
     * @param key record key
     * @param value record value
     */
    public static synchronized void send(String topic, String key, String value) {
        if (producer == null) {
            Properties properties = new Properties();
            properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty("wattwitness.test.kafka"));
            properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            properties.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(properties);
        }
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot publish to " + topic, e);
        }
    }

    private static String toJson(Map<String, Object> value) {
        StringBuilder json = new StringBuilder("{");
        value.forEach((key, item) -> {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('"').append(key).append("\":");
            json.append(item instanceof String ? "\"" + item + "\"" : String.valueOf(item));
        });
        return json.append('}').toString();
    }

    /**
     * Polls until a condition holds.
     *
     * @param what description for the failure
     * @param seconds timeout
     * @param condition the check
     */
    public static void await(String what, int seconds, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    /**
     * @param sql a query returning one number
     * @param parameter its single long parameter
     * @return the number, or null
     */
    public static Long queryLong(String sql, long parameter) {
        try (Connection connection = QueryDatabaseTestResource.connect();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, parameter);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
                long value = rows.getLong(1);
                return rows.wasNull() ? null : value;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
