package io.wattwitness.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A real Apache Kafka broker in KRaft mode (combined broker and controller, one node), run in a child JVM
 * from the {@code org.apache.kafka:kafka_2.13} Maven artifacts: {@code kafka.tools.StorageTool format},
 * then {@code kafka.Kafka server.properties}.
 * <p>
 * The broker's classpath is the file {@code broker.classpath} written next to this class at build time.
 * Use {@link #start(Path, int)} and {@link #close()}; or run {@link #main(String[])} from the local stack.
 */
public final class LocalKafkaBroker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalKafkaBroker.class.getName());
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final Process process;

    private LocalKafkaBroker(Path dataDir, int port, int controllerPort, Process process) {
        this.dataDir = dataDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.process = process;
    }

    /**
     * Formats (when new) and starts a broker, and waits until it accepts connections.
     *
     * @param dataDir folder for the log dirs, config and broker output ({@code broker.log}); kept across restarts
     * @param port the client port (PLAINTEXT on 127.0.0.1); 0 picks a free one
     * @return the running broker
     * @throws IOException if the broker cannot be started or does not listen within 90 s
     */
    public static LocalKafkaBroker start(Path dataDir, int port) throws IOException {
        return start(dataDir, port == 0 ? freePort() : port, freePort());
    }

    private static LocalKafkaBroker start(Path dataDir, int clientPort, int controllerPort) throws IOException {
        Files.createDirectories(dataDir);
        Path logDir = dataDir.resolve("kraft-logs");
        Path config = dataDir.resolve("server.properties");
        Files.writeString(config, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + clientPort,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + logDir,
                "num.partitions=3",
                "default.replication.factor=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "min.insync.replicas=1",
                "auto.create.topics.enable=true",
                "group.initial.rebalance.delay.ms=0",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "log.retention.hours=168",
                "") , StandardCharsets.UTF_8);
        Path logFile = dataDir.resolve("broker.log");
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            Process format = java(dataDir, logFile, "kafka.tools.StorageTool", "format", "-t", clusterId(),
                    "-c", config.toString(), "--ignore-formatted");
            try {
                if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                    throw new IOException("Kafka storage format failed: " + tail(logFile));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while formatting Kafka storage", e);
            }
        }
        Process broker = java(dataDir, logFile, "kafka.Kafka", config.toString());
        LocalKafkaBroker running = new LocalKafkaBroker(dataDir, clientPort, controllerPort, broker);
        running.awaitListening();
        LOG.info(() -> "Kafka broker listening on 127.0.0.1:" + clientPort + " (data in " + dataDir + ")");
        return running;
    }

    /** @return the bootstrap servers string, {@code 127.0.0.1:port} */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** @return the client port */
    public int port() {
        return port;
    }

    /** @return the data folder */
    public Path dataDir() {
        return dataDir;
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 30 s) and waits for it to exit. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /**
     * Kills the broker with SIGKILL (no shutdown, no flush: what a crash or an OOM kill does) and waits until the
     * process is gone.
     */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Starts the broker again on the same data, client port and controller port, after {@link #kill()} or
     * {@link #close()}; what the broker had written to its log survives.
     *
     * @return the running broker (a new instance; this one stays stopped)
     * @throws IOException if the broker cannot be started or does not listen within 90 s
     */
    public LocalKafkaBroker restart() throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException("the broker on port " + port + " is still running");
        }
        return start(dataDir, port, controllerPort);
    }

    /** @return whether the broker process is running */
    public boolean isAlive() {
        return process.isAlive();
    }

    private void awaitListening() throws IOException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("Kafka broker exited with " + process.exitValue() + ": "
                        + tail(dataDir.resolve("broker.log")));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                sleep();
            }
        }
        close();
        throw new IOException("Kafka broker did not listen on " + port + " within " + START_TIMEOUT);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Process java(Path dataDir, Path logFile, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms256m");
        command.add("-Xmx768m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Djava.awt.headless=true");
        command.add("-Dkafka.logs.dir=" + dataDir.resolve("logs"));
        command.add("-cp");
        command.add(brokerClasspath());
        command.add(mainClass);
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
    }

    /**
     * @return the broker's classpath, as resolved by Maven when this module was built
     * @throws UncheckedIOException if the build did not write it
     */
    static String brokerClasspath() {
        try (InputStream in = LocalKafkaBroker.class.getResourceAsStream("broker.classpath")) {
            if (in == null) {
                throw new IOException("broker.classpath is missing: build the kafka-broker module with Maven");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return a random cluster id: 16 bytes, URL-safe base64 without padding, never starting with {@code -} (the
     *         storage tool's argument parser would take such a value for an option: one start in 64 failed)
     */
    static String clusterId() {
        while (true) {
            UUID uuid = UUID.randomUUID();
            byte[] bytes = new byte[16];
            for (int i = 0; i < 8; i++) {
                bytes[i] = (byte) (uuid.getMostSignificantBits() >>> (56 - 8 * i));
                bytes[8 + i] = (byte) (uuid.getLeastSignificantBits() >>> (56 - 8 * i));
            }
            String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            if (!id.startsWith("-")) {
                return id;
            }
        }
    }

    /**
     * @return a port that was free a moment ago on 127.0.0.1
     * @throws IOException if no port can be bound
     */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * Runs a broker until the JVM is stopped: {@code LocalKafkaBroker <data-dir> [port]} (default 9092).
     *
     * @param args data folder and optional port
     * @throws Exception if the broker cannot start
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: LocalKafkaBroker <data-dir> [port]");
        }
        LocalKafkaBroker broker = start(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 9092);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        LOG.info(() -> "bootstrap.servers=" + broker.bootstrapServers());
        broker.process.waitFor();
    }
}
