package io.wattwitness.systemtests.support;

import io.wattwitness.kafka.LocalKafkaBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.logging.Logger;
import java.util.stream.Stream;
import io.wattwitness.simulator.messaging.MqttTransport;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The pipeline of one run on this machine: a real Kafka broker (KRaft, child JVM, temporary folder), the packaged
 * verify-service (PostgreSQL database {@link Settings#database()}, created and migrated by the service itself)
 * and the packaged ingest-service (the machine's Mosquitto). Each run has its own topic root
 * ({@code wwst-<run>/v1/devices}) and ingest client id, so it shares nothing with other users of the broker; the
 * ingest session is discarded on {@link #close()}.
 */
public final class PipelineStack implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PipelineStack.class.getName());
    /** Upper bound for a service to become ready (the machine is shared by several builds). */
    public static final Duration READY_TIMEOUT = Duration.ofMinutes(4);

    private final Settings settings;
    private final String runId;
    private final Path kafkaDir;
    private LocalKafkaBroker kafka;
    private ServiceProcess verify;
    private ServiceProcess ingest;

    private PipelineStack(Settings settings, String runId, Path kafkaDir) {
        this.settings = settings;
        this.runId = runId;
        this.kafkaDir = kafkaDir;
    }

    /**
     * Starts Kafka, then verify-service (waits until ready: database created and migrated), then ingest-service.
     *
     * @param settings machine settings
     * @param label prefix of the log files ({@code <label>-verify.log}, {@code <label>-ingest.log})
     * @return the running stack
     * @throws IOException when a part does not start (with the end of its log)
     */
    public static PipelineStack start(Settings settings, String label) throws IOException {
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        String runId = HexFormat.of().formatHex(random);
        PipelineStack stack = new PipelineStack(settings, runId, Files.createTempDirectory("ww-system-kafka-"));
        try {
            stack.kafka = LocalKafkaBroker.start(stack.kafkaDir, 0);
            stack.verify = ServiceProcess.start(label + "-verify", settings.verifyJar(), Map.of(
                    "DB_HOST", settings.pgHost(),
                    "DB_PORT", Integer.toString(settings.pgPort()),
                    "DB_NAME", settings.database(),
                    "DB_USER", settings.pgUser(),
                    "KAFKA_BOOTSTRAP_SERVERS", stack.kafka.bootstrapServers()),
                    LocalKafkaBroker.freePort(), settings.logDir());
            stack.verify.awaitReady(READY_TIMEOUT);
            stack.ingest = ServiceProcess.start(label + "-ingest", settings.ingestJar(), Map.of(
                    "MQTT_HOST", settings.mqttHost(),
                    "MQTT_PORT", Integer.toString(settings.mqttPort()),
                    "MQTT_CLIENT_ID", stack.ingestClientId(),
                    "MQTT_TOPIC_ROOT", stack.topicRoot(),
                    "KAFKA_BOOTSTRAP_SERVERS", stack.kafka.bootstrapServers()),
                    LocalKafkaBroker.freePort(), settings.logDir());
            stack.ingest.awaitReady(READY_TIMEOUT);
            LOG.info(() -> "pipeline " + runId + " ready: topic root " + stack.topicRoot() + ", Kafka "
                    + stack.kafka.bootstrapServers() + ", database " + settings.database());
            return stack;
        } catch (IOException | RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /** @return 8 hex digits naming this run */
    public String runId() {
        return runId;
    }

    /** @return the MQTT topic root of this run's devices */
    public String topicRoot() {
        return "wwst-" + runId + "/v1/devices";
    }

    /**
     * The simulator's MQTT transport for this run's devices: the machine's broker, this run's topic root, clean
     * sessions and no retained status messages (they would outlive the run). Add the delivery settings
     * ({@code window}, {@code ackTimeout}), or {@code publishOnce(true)} for exact per-publication bookkeeping, and a
     * {@code listener}, then {@code build()}.
     *
     * @return a transport builder
     */
    public MqttTransport.Builder deviceTransport() {
        return MqttTransport.builder(settings.mqttUri()).topicRoot(topicRoot()).cleanSession(true)
                .statusMessages(false);
    }

    /** @return ingest's MQTT client id (its persistent session) */
    public String ingestClientId() {
        return "wwst-ingest-" + runId;
    }

    /** @return verify-service */
    public ServiceProcess verify() {
        return verify;
    }

    /** @return ingest-service */
    public ServiceProcess ingest() {
        return ingest;
    }

    /** @return the Kafka broker */
    public LocalKafkaBroker kafka() {
        return kafka;
    }

    /** @return the machine settings */
    public Settings settings() {
        return settings;
    }

    /** Stops the services and Kafka, discards ingest's MQTT session and deletes Kafka's folder. */
    @Override
    public void close() {
        if (ingest != null) {
            ingest.stop();
            discardSession(ingestClientId());
        }
        if (verify != null) {
            verify.stop();
        }
        if (kafka != null) {
            kafka.close();
        }
        deleteTree(kafkaDir);
    }

    private void discardSession(String clientId) {
        try {
            MqttClient client = new MqttClient(settings.mqttUri(), clientId, new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            client.connect(options);
            client.disconnect();
            client.close();
        } catch (MqttException e) {
            LOG.warning("could not discard the MQTT session " + clientId + ": " + e);
        }
    }

    /**
     * Deletes a folder and everything below it; failures are logged, not thrown.
     *
     * @param root the folder
     */
    public static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.warning("could not delete " + root + ": " + e);
        }
    }
}
