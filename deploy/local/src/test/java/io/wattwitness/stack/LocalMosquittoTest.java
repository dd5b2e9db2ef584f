package io.wattwitness.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.wattwitness.kafka.LocalKafkaBroker;
import io.wattwitness.reading.MqttCredentials;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local stack's broker: the shipped configuration with the local secrets, its accounts reconciled with the
 * registry (served here the way query-service serves it) whenever its active devices change, restarted with its
 * persistence and its plugin state.
 */
class LocalMosquittoTest {

    private static final String DEVICE = "0a0b0c0d0e0f1011";

    @TempDir
    Path dir;

    private HttpServer registry;
    private final AtomicReference<String> installations = new AtomicReference<>("[]");
    private LocalMosquitto mosquitto;
    private StackLayout layout;

    @BeforeEach
    void start() throws Exception {
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/api/v1/installations", exchange -> {
            byte[] body = installations.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        registry.start();
        Path repo = TestBrokers.shippedDir().getParent().getParent();
        layout = new StackLayout(repo, dir.resolve("logs"), dir.resolve("state"), registry.getAddress().getPort(),
                "unused");
        mosquitto = LocalMosquitto.start(layout, MosquittoProcess.executable().orElseThrow(),
                LocalKafkaBroker.freePort());
    }

    @AfterEach
    void stop() {
        registry.stop(0);
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    private MqttTestClient device() throws MqttException {
        return MqttTestClient.connect("tcp://127.0.0.1:" + mosquitto.port(), DEVICE, DEVICE,
                MqttCredentials.devicePassword(layout.mqttCredentialsSecret(), DEVICE), true);
    }

    @Test
    void aDeviceRegisteredLaterIsProvisionedAndTheBrokerRestartsWithItsAccounts() throws Exception {
        assertEquals(0, mosquitto.provisionIfChanged());
        assertThrows(MqttException.class, () -> device().close(), "not registered yet");
        try (MqttTestClient ingest = MqttTestClient.connect("tcp://127.0.0.1:" + mosquitto.port(), "ingest",
                mosquitto.ingestUsername(), layout.mqttIngestPassword(), true)) {
            assertTrue(ingest.isConnected());
        }

        installations.set("[{\"id\":1,\"device_id\":\"" + DEVICE + "\",\"is_active\":true}]");
        mosquitto.awaitDevices(1, java.time.Duration.ofSeconds(30));
        try (MqttTestClient device = device()) {
            assertTrue(device.isConnected());
        }

        long pid = Long.parseLong(Files.readString(layout.logs().resolve("pids/mosquitto.pid")).strip());
        ProcessHandle broker = ProcessHandle.of(pid).orElseThrow();
        assertTrue(broker.destroyForcibly(), "SIGKILL sent");
        broker.onExit().get();
        Probes.await("the broker process reaped", java.time.Duration.ofSeconds(10), () -> !mosquitto.isAlive());
        mosquitto.restart();
        try (MqttTestClient device = device()) {
            assertTrue(device.isConnected(), "the provisioned accounts survive a restart");
        }
        java.util.List<String> stored = new java.util.ArrayList<>();
        new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(layout.state().resolve("mosquitto/dynamic-security.json").toFile()).path("clients")
                .forEach(client -> stored.add(client.path("username").asText()));
        assertEquals(java.util.List.of(DEVICE, MosquittoAcl.DEFAULT_ADMIN_USERNAME, mosquitto.ingestUsername()),
                stored.stream().sorted().toList(), "the broker's own state file holds the accounts");
    }
}
