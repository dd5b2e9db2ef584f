package io.wattwitness.simulator.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattwitness.reading.MqttCredentials;
import io.wattwitness.simulator.service.SimulatedDevice;
import io.wattwitness.simulator.service.Simulator;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-device broker credentials (SPEC.md §6.3) against a Mosquitto this test spawns on a free port with anonymous
 * access off and a password file holding the first device's derived password.
 */
class BrokerCredentialsTest {

    private static final String SECRET = "test-device-credential-secret";
    private static final Instant NOON = Instant.parse("2024-06-21T18:00:00Z");

    @TempDir
    Path dir;

    private Process broker;
    private int port;

    private Simulator fleet;

    @BeforeEach
    void startBroker() throws Exception {
        fleet = Simulator.builder().stateDir(dir.resolve("state")).devices(2).start(NOON).build();
        SimulatedDevice registered = fleet.devices().get(0);
        Path passwords = dir.resolve("passwd");
        Process passwd = new ProcessBuilder("mosquitto_passwd", "-b", "-c", passwords.toString(),
                registered.deviceIdHex(), MqttCredentials.devicePassword(SECRET, registered.deviceIdHex()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("passwd.log").toFile()).start();
        assertTrue(passwd.waitFor(30, TimeUnit.SECONDS) && passwd.exitValue() == 0, "mosquitto_passwd");
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, String.join("\n", "user root", "listener " + port + " 127.0.0.1",
                "allow_anonymous false", "password_file " + passwords, "persistence false", ""));
        broker = new ProcessBuilder("/usr/sbin/mosquitto", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                break;
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !broker.isAlive()) {
                    throw new IllegalStateException("mosquitto did not start: "
                            + Files.readString(dir.resolve("mosquitto.log")), e);
                }
                Thread.sleep(50);
            }
        }
    }

    @AfterEach
    void stopBroker() throws InterruptedException {
        if (broker != null) {
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aDeviceWithItsDerivedPasswordConnectsAndOneWithoutIsRefusedRetriedAndLogged() throws Exception {
        SimulatedDevice registered = fleet.devices().get(0);
        SimulatedDevice stranger = fleet.devices().get(1);
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                warnings.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(MqttTransport.class.getName());
        log.addHandler(handler);
        try (MqttTransport transport = MqttTransport.builder("tcp://127.0.0.1:" + port).credentialsSecret(SECRET)
                .reconnectDelay(Duration.ofMillis(100), Duration.ofMillis(400)).build()) {
            transport.open(fleet.devices(), e -> { });
            fleet.run(transport, e -> { }, 3, 0, () -> true, () -> { });
            assertTrue(transport.isConnected(registered));
            assertFalse(transport.isConnected(stranger));
            String refusal = "refused or failed the connection of device " + stranger.deviceIdHex()
                    + " (not authorised (CONNACK 5))";
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (warnings.stream().filter(w -> w.contains(refusal)).count() < 3) {
                assertTrue(System.nanoTime() < deadline, "three refusals logged: " + warnings);
                Thread.sleep(20);
            }
            assertFalse(transport.isConnected(stranger), "still refused, still running");
            assertEquals(3, stranger.store().buffer().size(), "its readings wait in the outbox");
            assertEquals(0, transport.counters(stranger).sent());
            assertEquals(3, transport.counters(registered).sent());
        } finally {
            log.removeHandler(handler);
        }
    }
}
