package io.wattwitness.systemtests.support;

import io.wattwitness.kafka.LocalKafkaBroker;
import io.wattwitness.reading.MqttCredentials;
import io.wattwitness.stack.MosquittoProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The delivery path of one run with every part real and killable: the shipped Mosquitto configuration
 * ({@code deploy/mosquitto}: anonymous off, per-device accounts and ACL, persistence, queue limits) in its own
 * process on a free port, a Kafka broker (KRaft, child JVM), the packaged verify-service and two packaged
 * ingest-service replicas sharing the device subscriptions ({@code $share/wattwitness-ingest/…}, one persistent
 * session each). The device topic root is the production one, {@code wattwitness/v1/devices}: the broker is this
 * run's own.
 * <p>
 * Devices get their accounts through {@link #admit(Collection)} (username = device id, password derived from this
 * run's secret, SPEC.md §6.3); the broker re-reads its password file on SIGHUP.
 */
public final class ReliabilityStack implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ReliabilityStack.class.getName());
    /** ingest-service's broker account. */
    public static final String INGEST_USER = "wattwitness-ingest";
    /** The production topic root (the shipped ACL is written for it). */
    public static final String TOPIC_ROOT = "wattwitness/v1/devices";

    private final Settings settings;
    private final Path workDir;
    private final String runId;
    private final String deviceSecret;
    private final String ingestPassword;
    private final Map<String, String> accounts = new LinkedHashMap<>();
    private MosquittoProcess broker;
    private LocalKafkaBroker kafka;
    private ServiceProcess verify;
    private final List<ServiceProcess> ingests = new ArrayList<>();

    private ReliabilityStack(Settings settings, Path workDir) {
        this.settings = settings;
        this.workDir = workDir;
        this.runId = random(4);
        this.deviceSecret = "reliability-" + random(16);
        this.ingestPassword = random(16);
        accounts.put(INGEST_USER, ingestPassword);
    }

    /**
     * Starts the broker, Kafka, verify-service (waits until ready) and the ingest replicas (waits until ready).
     *
     * @param settings machine settings
     * @param label prefix of the log files
     * @param ingestReplicas how many ingest-service processes share the subscriptions, ≥ 1
     * @return the running stack
     * @throws IOException when a part does not start (with the end of its log), or Mosquitto is not installed
     */
    public static ReliabilityStack start(Settings settings, String label, int ingestReplicas) throws IOException {
        Path mosquitto = MosquittoProcess.executable().orElseThrow(() -> new IOException(
                "mosquitto is not installed: the fault catalogue runs the shipped broker configuration"));
        ReliabilityStack stack = new ReliabilityStack(settings, Files.createTempDirectory("ww-reliability-"));
        try {
            stack.broker = MosquittoProcess.start(mosquitto, shippedBrokerConfiguration(),
                    stack.workDir.resolve("mosquitto"), LocalKafkaBroker.freePort(), TOPIC_ROOT, INGEST_USER,
                    stack.accounts, settings.logDir().resolve(label + "-mosquitto.log"));
            stack.kafka = LocalKafkaBroker.start(stack.workDir.resolve("kafka"), 0);
            stack.verify = ServiceProcess.start(label + "-verify", settings.verifyJar(), Map.of(
                    "DB_HOST", settings.pgHost(),
                    "DB_PORT", Integer.toString(settings.pgPort()),
                    "DB_NAME", settings.database(),
                    "DB_USER", settings.pgUser(),
                    "KAFKA_BOOTSTRAP_SERVERS", stack.kafka.bootstrapServers()),
                    LocalKafkaBroker.freePort(), settings.logDir());
            stack.verify.awaitReady(PipelineStack.READY_TIMEOUT);
            for (int i = 0; i < ingestReplicas; i++) {
                ServiceProcess ingest = ServiceProcess.start(label + "-ingest-" + i, settings.ingestJar(), Map.of(
                        "MQTT_HOST", "127.0.0.1",
                        "MQTT_PORT", Integer.toString(stack.broker.port()),
                        "MQTT_CLIENT_ID", "wwrel-ingest-" + stack.runId + "-" + i,
                        "MQTT_USERNAME", INGEST_USER,
                        "MQTT_PASSWORD", stack.ingestPassword,
                        "KAFKA_BOOTSTRAP_SERVERS", stack.kafka.bootstrapServers()),
                        LocalKafkaBroker.freePort(), settings.logDir());
                stack.ingests.add(ingest);
            }
            for (ServiceProcess ingest : stack.ingests) {
                ingest.awaitReady(PipelineStack.READY_TIMEOUT);
            }
            LOG.info(() -> "reliability stack " + stack.runId + " ready: broker " + stack.broker.serverUri()
                    + ", Kafka " + stack.kafka.bootstrapServers() + ", " + ingestReplicas + " ingest replicas");
            return stack;
        } catch (IOException | RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /** @return the shipped broker configuration folder ({@code deploy/mosquitto}, system property overrides) */
    public static Path shippedBrokerConfiguration() {
        return Path.of(System.getProperty("wattwitness.mosquitto.conf.dir", "../deploy/mosquitto")).toAbsolutePath()
                .normalize();
    }

    /**
     * Gives devices their broker accounts and makes the running broker re-read its password file.
     *
     * @param deviceIds device ids, 16 lowercase hex digits
     * @throws IOException when the password file cannot be written or the broker not signalled
     */
    public void admit(Collection<String> deviceIds) throws IOException {
        for (String id : deviceIds) {
            accounts.put(id, devicePassword(id));
        }
        broker.reload(accounts);
    }

    /**
     * @param deviceId a device id
     * @return its broker password under this run's secret
     */
    public String devicePassword(String deviceId) {
        return MqttCredentials.devicePassword(deviceSecret, deviceId);
    }

    /** @return the device credential secret of this run (SPEC.md §6.3) */
    public String deviceSecret() {
        return deviceSecret;
    }

    /** @return ingest's broker password */
    public String ingestPassword() {
        return ingestPassword;
    }

    /** @return the broker */
    public MosquittoProcess broker() {
        return broker;
    }

    /** @return the Kafka broker (a new instance after {@link #killAndRestartKafka}) */
    public LocalKafkaBroker kafka() {
        return kafka;
    }

    /** @return verify-service */
    public ServiceProcess verify() {
        return verify;
    }

    /** @return the ingest-service replicas */
    public List<ServiceProcess> ingests() {
        return List.copyOf(ingests);
    }

    /** @return the machine settings */
    public Settings settings() {
        return settings;
    }

    /**
     * Kills the Kafka broker with SIGKILL, waits, and starts it again on the same ports and data.
     *
     * @param down how long it stays down
     * @throws IOException when it does not start again
     */
    public void killAndRestartKafka(Duration down) throws IOException {
        kafka.kill();
        Poll.pause(down);
        kafka = kafka.restart();
    }

    /**
     * Restarts the machine's PostgreSQL cluster ({@code pg_ctlcluster <version> main restart}, fast shutdown: open
     * transactions are rolled back, connections dropped).
     *
     * @throws IOException when the command fails
     */
    public static void restartPostgres() throws IOException {
        String version;
        try (var versions = Files.list(Path.of("/etc/postgresql"))) {
            version = versions.map(p -> p.getFileName().toString()).sorted().reduce((a, b) -> b)
                    .orElseThrow(() -> new IOException("no PostgreSQL cluster under /etc/postgresql"));
        }
        Process restart = new ProcessBuilder("pg_ctlcluster", "--skip-systemctl-redirect", "-m", "fast", version,
                "main", "restart").redirectErrorStream(true).start();
        try {
            if (!restart.waitFor(120, TimeUnit.SECONDS) || restart.exitValue() != 0) {
                throw new IOException("pg_ctlcluster restart failed: "
                        + new String(restart.getInputStream().readAllBytes()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while restarting PostgreSQL", e);
        }
    }

    /** Stops the ingest replicas, verify-service, Kafka and the broker, and deletes the run's folder. */
    @Override
    public void close() {
        for (ServiceProcess ingest : ingests) {
            ingest.stop();
        }
        if (verify != null) {
            verify.stop();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (broker != null) {
            broker.close();
        }
        PipelineStack.deleteTree(workDir);
    }

    private static String random(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
