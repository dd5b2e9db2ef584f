package io.wattwitness.ingest.messaging;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Starts a Mosquitto of its own ({@code /usr/sbin/mosquitto}, or {@code MOSQUITTO_BIN}) on a free port with
 * anonymous access off and no accounts, so that it refuses every connection with CONNACK return code 5 (not
 * authorized), and points ingest at it with the user name {@value #USER}. The process is stopped on stop.
 */
public class RefusingBrokerTestResource implements QuarkusTestResourceLifecycleManager {

    /** User name ingest presents to the refusing broker. */
    static final String USER = "ingest-test";

    private Process broker;
    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            dir = Files.createTempDirectory("ww-refusing-mqtt-");
            Path conf = dir.resolve("mosquitto.conf");
            Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous false\npersistence false\n");
            String bin = System.getenv().getOrDefault("MOSQUITTO_BIN", "/usr/sbin/mosquitto");
            broker = new ProcessBuilder(bin, "-c", conf.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("mosquitto.log").toFile())
                    .start();
            awaitListening(port);
            String run = UUID.randomUUID().toString().substring(0, 8);
            return Map.of("ingest.mqtt.host", "127.0.0.1", "ingest.mqtt.port", Integer.toString(port),
                    "ingest.mqtt.username", USER, "ingest.mqtt.password", "not-the-password",
                    "ingest.mqtt.client-id", "ww-ingest-refused-" + run,
                    "ingest.mqtt.topic-root", "wwtest-" + run + "/v1/devices",
                    "mp.messaging.incoming.devices-acks.group.id", "ww-ingest-test-acks-" + run);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitListening(int port) throws IOException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                if (!broker.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new IOException("mosquitto did not listen on port " + port + ", see "
                            + dir.resolve("mosquitto.log"), e);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for mosquitto", interrupted);
                }
            }
        }
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.destroy();
            try {
                broker.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
