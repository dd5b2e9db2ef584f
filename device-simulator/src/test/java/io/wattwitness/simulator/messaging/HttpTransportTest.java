package io.wattwitness.simulator.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.reading.ReadingVerifier;
import io.wattwitness.simulator.service.Emission;
import io.wattwitness.simulator.service.SimulatedDevice;
import io.wattwitness.simulator.service.Simulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real HTTP server on a free local port (the JDK's com.sun.net.httpserver). */
class HttpTransportTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOON = Instant.parse("2024-06-21T18:00:00Z");

    @TempDir
    Path state;

    private HttpServer server;
    private final List<String> readings = new CopyOnWriteArrayList<>();
    private final List<String> installations = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger unavailable = new AtomicInteger();

    @BeforeEach
    void startServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/readings/", exchange -> {
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503 : 202;
            if (status == 202) {
                readings.add(body);
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.createContext("/api/v1/installations/", exchange -> {
            installations.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(installations.size() == 1 ? 201 : 409, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void postsEnvelopesWithTheBearerTokenAndRetriesInOrder() throws Exception {
        Simulator simulator = Simulator.builder().stateDir(state).start(NOON).build();
        SimulatedDevice device = simulator.devices().get(0);
        List<Emission> resent = new ArrayList<>();
        HttpTransport transport = new HttpTransport(base(), "secret");
        transport.open(simulator.devices(), resent::add);
        unavailable.set(3);
        simulator.run(transport, e -> { }, 2, 0, () -> true, () -> { });
        // the first POST got 503: reading 0 buffered; its retry before reading 1 got 503 too, so 1 queued behind it
        assertTrue(readings.isEmpty());
        assertEquals(2, device.store().buffer().size());
        simulator.run(transport, e -> { }, 2, 0, () -> true, () -> { });
        assertEquals(0, device.store().buffer().size());
        List<Long> seqs = new ArrayList<>();
        for (String body : readings) {
            JsonNode node = JSON.readTree(body);
            Envelope envelope = Envelope.ofHex(node.get("message").asText(), node.get("signature").asText());
            ReadingMessage reading = ReadingVerifier.verify(device.key(), envelope.message(), envelope.signature())
                    .reading();
            seqs.add(reading.seq());
        }
        assertEquals(List.of(0L, 1L, 2L, 3L), seqs);
        assertEquals(List.of(0L, 1L, 2L), resent.stream().map(Emission::seq).toList());
        assertTrue(authorizations.stream().allMatch("Bearer secret"::equals));
        assertEquals(4, transport.accepted());
        transport.close();
    }

    @Test
    void registersInstallationsOnceAndPrintsKeysWhileTheApiIsUnreachable() throws Exception {
        Simulator simulator = Simulator.builder().stateDir(state).devices(2).start(NOON).build();
        StringWriter printed = new StringWriter();
        InstallationRegistrar unreachable = new InstallationRegistrar("http://127.0.0.1:9", "t",
                simulator.devices(), new PrintWriter(printed, true), Duration.ofSeconds(30));
        unreachable.attempt();
        unreachable.attempt();
        assertFalse(unreachable.allRegistered());
        for (SimulatedDevice device : simulator.devices()) {
            assertTrue(printed.toString().contains("\"public_key\":\"" + device.key().hex() + "\""));
        }
        assertEquals(2, printed.toString().lines().count(), "printed once per device");

        InstallationRegistrar registrar = new InstallationRegistrar(base(), "t", simulator.devices(),
                new PrintWriter(new StringWriter()), Duration.ofSeconds(30));
        registrar.attempt();
        assertTrue(registrar.allRegistered(), "201 and 409 both count as registered");
        assertEquals(2, installations.size());
        JsonNode body = JSON.readTree(installations.get(0));
        SimulatedDevice first = simulator.devices().get(0);
        assertEquals(first.installation().name(), body.get("name").asText());
        assertEquals(first.installation().meterMacHex(), body.get("shelly_mac").asText());
        assertEquals(12, body.get("shelly_mac").asText().length());
        assertEquals(128, body.get("public_key").asText().length());
        assertEquals("America/Denver", body.get("timezone").asText());
        assertEquals(39.742, body.get("latitude").asDouble(), 1e-9);
        assertEquals(-105.179, body.get("longitude").asDouble(), 1e-9);
        assertEquals(5000, body.get("capacity_w").asDouble(), 1e-9);
        registrar.attempt();
        assertEquals(2, installations.size(), "registered devices are not registered again");
        assertTrue(Simulator.builder().stateDir(state).devices(2).build().devices().get(1).store().registered());
    }

    @Test
    void rejectsNonHttpUrls() {
        assertThrows(IllegalArgumentException.class, () -> new HttpTransport("ftp://example.org", null));
    }
}
