package io.wattwitness.verify.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.wattwitness.kafka.LocalKafkaBroker;
import io.wattwitness.reading.DeviceSigner;
import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.ReadingMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged service ({@code java -jar target/quarkus-app/quarkus-run.jar}, env config) is killed with SIGKILL
 * mid-stream and started again: every reading still lands exactly once. Real Kafka broker, machine PostgreSQL
 * (database {@code wattwitness_verify_it}, created by the service itself when missing).
 * Runs in the verify phase (failsafe); skip with {@code -DskipITs}.
 */
class VerifyCrashIT {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String DB_NAME = "wattwitness_verify_it";
    private static final int DEVICES = 5;
    private static final int PER_DEVICE = 400;
    private static final Duration WAIT = Duration.ofMinutes(4);

    private static LocalKafkaBroker broker;
    private static Path brokerDir;
    private static Process service;
    private static int httpPort;

    @BeforeAll
    static void startBroker() throws IOException {
        brokerDir = Files.createTempDirectory("verify-crash-kafka-");
        broker = LocalKafkaBroker.start(brokerDir, 0);
    }

    @AfterAll
    static void stopAll() {
        if (service != null) {
            service.destroyForcibly();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static Process startService() throws Exception {
        Path jar = Path.of(System.getProperty("verify.jar", "target/quarkus-app/quarkus-run.jar"));
        assertTrue(Files.exists(jar), "package the service first: " + jar.toAbsolutePath());
        httpPort = LocalKafkaBroker.freePort();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar.toString());
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        builder.environment().put("DB_NAME", DB_NAME);
        builder.environment().put("HTTP_PORT", Integer.toString(httpPort));
        builder.environment().put("VERIFY_MAX_POLL_RECORDS", "50");
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of("target", "verify-crash-it.log").toFile()));
        Process process = builder.start();
        HttpClient http = HttpClient.newHttpClient();
        await("service ready", Duration.ofMinutes(2), () -> {
            if (!process.isAlive()) {
                fail("the service exited with " + process.exitValue() + ", see target/verify-crash-it.log");
            }
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready"))
                        .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        return process;
    }

    private static Connection db() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", System.getenv().getOrDefault("DB_USER", "postgres"));
        String host = System.getenv().getOrDefault("DB_HOST", "127.0.0.1");
        String port = System.getenv().getOrDefault("DB_PORT", "5432");
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + DB_NAME, properties);
    }

    private static long count(String sql, List<String> deviceIds) {
        try (Connection connection = db(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setArray(1, connection.createArrayOf("text", deviceIds.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(250);
        }
        fail("timed out after " + timeout + " waiting for " + what);
    }

    private static void register(DeviceSigner device) throws SQLException {
        try (Connection connection = db(); PreparedStatement insert = connection.prepareStatement(
                "WITH i AS (INSERT INTO installations (name, shelly_mac, public_key, device_id) VALUES (?, ?, ?, ?)"
                        + " RETURNING id) INSERT INTO installation_keys (installation_id, public_key, device_id)"
                        + " SELECT id, ?, ? FROM i")) {
            insert.setString(1, "crash-it " + UUID.randomUUID());
            insert.setString(2, String.format("%012x", RANDOM.nextLong() & 0xFFFF_FFFF_FFFFL));
            insert.setString(3, device.publicKey().hex());
            insert.setString(4, device.publicKey().deviceIdHex());
            insert.setString(5, device.publicKey().hex());
            insert.setString(6, device.publicKey().deviceIdHex());
            insert.executeUpdate();
        }
    }

    /** Sends readings {@code fromSeq} (inclusive) to {@code toSeq} (exclusive) of every device, interleaved. */
    private static void produce(KafkaProducer<String, byte[]> producer, List<DeviceSigner> devices, long now,
            int fromSeq, int toSeq) {
        for (int seq = fromSeq; seq < toSeq; seq++) {
            for (DeviceSigner device : devices) {
                ReadingMessage message = new ReadingMessage(device.publicKey().deviceId(), 0x34945a1b2c3dL, 1, seq,
                        now - 3_600_000L + seq * 1_000L, 1_000_000L, 10_000L * seq, 1);
                byte[] bytes = message.encode();
                ProducerRecord<String, byte[]> record = new ProducerRecord<>("readings.raw",
                        device.publicKey().deviceIdHex(),
                        new Envelope(bytes, device.sign(bytes)).toJson().getBytes(StandardCharsets.UTF_8));
                record.headers().add("ww-received-at", Long.toString(now).getBytes(StandardCharsets.UTF_8));
                record.headers().add("ww-source", "mqtt".getBytes(StandardCharsets.UTF_8));
                producer.send(record);
            }
        }
        producer.flush();
    }

    @Test
    void aKilledServiceRestartsAndStoresEveryReadingExactlyOnce() throws Exception {
        service = startService();
        List<DeviceSigner> devices = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            DeviceSigner device = DeviceSigner.generate(RANDOM);
            register(device);
            devices.add(device);
            ids.add(device.publicKey().deviceIdHex());
        }
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        long now = System.currentTimeMillis();
        // the first 40 % of the stream while the service runs, the rest after the crash: the crash comes mid-stream
        // however fast the service is
        int firstPart = PER_DEVICE * 2 / 5;
        String stored = "SELECT count(*) FROM readings WHERE device_id = ANY (?)";
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(properties)) {
            produce(producer, devices, now, 0, firstPart);
            await("part of the stream stored", WAIT, () -> count(stored, ids) >= 200);
            service.destroyForcibly().waitFor();
            long atCrash = count(stored, ids);
            assertTrue(atCrash >= 200 && atCrash <= (long) DEVICES * firstPart, "stored at the crash: " + atCrash);
            produce(producer, devices, now, firstPart, PER_DEVICE);
        }

        service = startService();
        await("every reading stored", WAIT, () -> count(stored, ids) == DEVICES * PER_DEVICE);
        Thread.sleep(2_000);
        assertEquals(DEVICES * PER_DEVICE, count(stored, ids));
        assertEquals(DEVICES * PER_DEVICE, count("SELECT count(DISTINCT (device_id, boot, seq)) FROM readings"
                + " WHERE device_id = ANY (?)", ids));
        assertEquals(DEVICES * PER_DEVICE, count("SELECT count(*) FROM readings WHERE device_id = ANY (?)"
                + " AND status = 'verified'", ids));
        assertEquals(0, count("SELECT count(*) FROM quarantine WHERE device_id = ANY (?)", ids));
        assertEquals(0, count("SELECT count(*) FROM reading_conflicts c JOIN readings r ON r.id = c.reading_id"
                + " WHERE r.device_id = ANY (?)", ids));
        for (String id : ids) {
            assertEquals(PER_DEVICE, count("SELECT count(*) FROM readings WHERE device_id = ANY (?) AND seq < "
                    + PER_DEVICE, List.of(id)));
        }
        service.destroy();
        service.waitFor();
    }
}
