package io.wattwitness.systemtests.support;

import io.wattwitness.kafka.LocalKafkaBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
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
 * ingest session is discarded on {@link #close()}. Optionally several replicas of each service: verify-service
 * replicas share the consumer group (Kafka's partitions, 3 per topic, are split between them), ingest-service
 * replicas have their own persistent sessions in the shared subscription group.
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
    private final List<ServiceProcess> verifies = new ArrayList<>();
    private final List<ServiceProcess> ingests = new ArrayList<>();

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
        return start(settings, label, 1);
    }

    /**
     * Starts Kafka, then {@code replicas} verify-services (the first waits until ready: database created and
     * migrated), then {@code replicas} ingest-services.
     *
     * @param settings machine settings
     * @param label prefix of the log files ({@code <label>-verify[-n].log}, {@code <label>-ingest[-n].log})
     * @param replicas instances of each service, ≥ 1
     * @return the running stack
     * @throws IOException when a part does not start (with the end of its log)
     */
    public static PipelineStack start(Settings settings, String label, int replicas) throws IOException {
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        String runId = HexFormat.of().formatHex(random);
        PipelineStack stack = new PipelineStack(settings, runId, Files.createTempDirectory("ww-system-kafka-"));
        try {
            stack.kafka = LocalKafkaBroker.start(stack.kafkaDir, 0);
            for (int i = 0; i < replicas; i++) {
                ServiceProcess verify = ServiceProcess.start(label + "-verify" + (i == 0 ? "" : "-" + (i + 1)),
                        settings.verifyJar(), Map.of(
                        "DB_HOST", settings.pgHost(),
                        "DB_PORT", Integer.toString(settings.pgPort()),
                        "DB_NAME", settings.database(),
                        "DB_USER", settings.pgUser(),
                        "KAFKA_BOOTSTRAP_SERVERS", stack.kafka.bootstrapServers()),
                        LocalKafkaBroker.freePort(), settings.logDir());
                stack.verifies.add(verify);
                verify.awaitReady(READY_TIMEOUT);
            }
            stack.verify = stack.verifies.get(0);
            for (int i = 0; i < replicas; i++) {
                ServiceProcess ingest = ServiceProcess.start(label + "-ingest" + (i == 0 ? "" : "-" + (i + 1)),
                        settings.ingestJar(), Map.of(
                        "MQTT_HOST", settings.mqttHost(),
                        "MQTT_PORT", Integer.toString(settings.mqttPort()),
                        "MQTT_CLIENT_ID", stack.ingestClientId(i),
                        "MQTT_TOPIC_ROOT", stack.topicRoot(),
                        "KAFKA_BOOTSTRAP_SERVERS", stack.kafka.bootstrapServers()),
                        LocalKafkaBroker.freePort(), settings.logDir());
                stack.ingests.add(ingest);
                ingest.awaitReady(READY_TIMEOUT);
            }
            stack.ingest = stack.ingests.get(0);
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
        return ingestClientId(0);
    }

    private String ingestClientId(int replica) {
        return "wwst-ingest-" + runId + (replica == 0 ? "" : "-" + (replica + 1));
    }

    /** @return every verify-service replica, the first is {@link #verify()} */
    public List<ServiceProcess> verifies() {
        return List.copyOf(verifies);
    }

    /** @return every ingest-service replica, the first is {@link #ingest()} */
    public List<ServiceProcess> ingests() {
        return List.copyOf(ingests);
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
        for (int i = 0; i < ingests.size(); i++) {
            ingests.get(i).stop();
            discardSession(ingestClientId(i));
        }
        for (ServiceProcess replica : verifies) {
            replica.stop();
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
