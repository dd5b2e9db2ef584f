package io.wattwitness.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.wattwitness.reading.MqttCredentials;
import io.wattwitness.stack.MqttTestClient.Received;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@link MqttProvisioning} against a registry served over HTTP the way query-service answers
 * {@code GET /api/v1/installations} (snake_case, operator token) and a running broker with the shipped configuration,
 * as an operator adds and retires devices: the reconciliation through the dynamic-security plugin, its idempotence,
 * password printing, the initial state file and clear errors.
 */
class MqttProvisioningTest {

    private static final String TOKEN = "test-operator-token";
    private static final String ROOT = "wwtest/provisioning/devices";
    private static final String X = "0123456789abcdef";
    private static final String Y = "fedcba9876543210";
    private static final String Z = "00000000000000aa";
    private static final String RETIRED = "00000000000000ff";

    @TempDir
    Path dir;

    private HttpServer registry;
    private final AtomicReference<String> body = new AtomicReference<>();
    private MosquittoProcess broker;
    private int brokerPort = 1;

    @BeforeEach
    void startRegistry() throws Exception {
        body.set(installations(List.of(X, Y), RETIRED));
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/api/v1/installations", exchange -> {
            boolean authorised = ("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] answer = (authorised ? body.get() : "{\"title\":\"Unauthorized\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(authorised ? 200 : 401, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        registry.start();
        Files.writeString(dir.resolve("secret"), TestBrokers.SECRET + "\n");
        Files.writeString(dir.resolve("ingest-password"), TestBrokers.INGEST_PASSWORD);
        Files.writeString(dir.resolve("admin-password"), "unused");
    }

    @AfterEach
    void stop() {
        registry.stop(0);
        if (broker != null) {
            broker.close();
        }
    }

    /** Starts a broker with the ingest account only; the command gets its administrator password. */
    private void startBroker() throws Exception {
        broker = TestBrokers.start(dir.resolve("broker"), ROOT, Map.of(TestBrokers.INGEST, "not-yet-reconciled"));
        brokerPort = broker.port();
        Files.writeString(dir.resolve("admin-password"), broker.adminPassword() + "\n");
    }

    /** Active installations with these device ids, and one inactive one. */
    private static String installations(List<String> active, String inactive) {
        StringBuilder json = new StringBuilder("[");
        int id = 1;
        for (String device : active) {
            json.append(installation(id++, device, true)).append(',');
        }
        return json.append(installation(id, inactive, false)).append(']').toString();
    }

    private static String installation(int id, String deviceId, boolean active) {
        return """
                {"id":%d,"name":"Park %d","shelly_mac":"a0b1c2d3e4f%d","public_key":"04ab","device_id":"%s",\
                "timezone":"UTC","latitude":null,"longitude":null,"capacity_w":5000.0,\
                "created_at":"2026-11-01T00:00:00Z","updated_at":"2026-11-01T00:00:00Z","is_active":%s,\
                "key_fingerprint":"%s","keys":[{"public_key":"04ab","device_id":"%s",\
                "valid_from":"2026-11-01T00:00:00Z","retired_at":null}]}"""
                .formatted(id, id, id, deviceId, active, deviceId, deviceId);
    }

    private String api() {
        return "http://127.0.0.1:" + registry.getAddress().getPort();
    }

    private record Run(int exit, String out, String err) {
    }

    private Run provision(String... extra) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new MqttProvisioning())
                .setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        List<String> args = new java.util.ArrayList<>(List.of("--api", api(), "--token", TOKEN,
                "--secret-file", dir.resolve("secret").toString(),
                "--ingest-password-file", dir.resolve("ingest-password").toString(),
                "--admin-password-file", dir.resolve("admin-password").toString(),
                "--broker-host", "127.0.0.1", "--broker-port", Integer.toString(brokerPort),
                "--topic-root", ROOT));
        args.addAll(List.of(extra));
        int exit = command.execute(args.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private MqttTestClient device(String id) throws MqttException {
        return MqttTestClient.connect(broker.serverUri(), id, id, TestBrokers.password(id), true);
    }

    /** @return the plugin's clients (username to client id, "" when unbound) and role names, as the broker has them */
    private Map<String, String> clients(Set<String> roles) throws Exception {
        try (DynsecControl control = broker.control()) {
            List<com.fasterxml.jackson.databind.JsonNode> data = control.executeAll(List.of(
                    DynsecControl.command("listClients").put("verbose", true),
                    DynsecControl.command("listRoles")));
            Map<String, String> clients = new java.util.TreeMap<>();
            data.get(0).path("clients").forEach(c -> clients.put(c.path("username").asText(),
                    c.path("clientid").asText("")));
            data.get(1).path("roles").forEach(r -> roles.add(r.asText()));
            return clients;
        }
    }

    @Test
    void anOperatorReconcilesNewAndRetiredDevicesAndASecondRunChangesNothing() throws Exception {
        startBroker();
        assertThrows(MqttException.class, () -> device(X).close(), "not provisioned yet");

        Run first = provision();
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.out().contains("2 active devices and " + TestBrokers.INGEST), first.out());
        assertTrue(first.out().contains("4 created [role wattwitness-device-" + X + ", role wattwitness-device-" + Y
                + ", client " + X + ", client " + Y + "], 1 updated [client " + TestBrokers.INGEST + "], 0 deleted []"),
                first.out());
        Set<String> roles = new TreeSet<>();
        assertEquals(Map.of(MosquittoAcl.DEFAULT_ADMIN_USERNAME, "", TestBrokers.INGEST, "", X, X, Y, Y),
                clients(roles));
        assertEquals(Set.of(MosquittoAcl.ADMIN_ROLE, MosquittoAcl.INGEST_ROLE, MosquittoAcl.deviceRole(X),
                MosquittoAcl.deviceRole(Y)), roles);
        assertFalse(Files.readString(broker.dynamicSecurityFile()).contains(TestBrokers.password(X)),
                "no plain text password in the broker's state");

        try (MqttTestClient ingest = MqttTestClient.connect(broker.serverUri(), "wattwitness-ingest-0",
                TestBrokers.INGEST, TestBrokers.INGEST_PASSWORD, true);
                MqttTestClient x = device(X); MqttTestClient y = device(Y)) {
            ingest.subscribe(TestBrokers.shared(ROOT, "readings"));
            x.publish(ROOT + "/" + X + "/readings", "from-x");
            y.publish(ROOT + "/" + Y + "/readings", "from-y");
            assertEquals(new TreeSet<>(List.of(new Received(ROOT + "/" + X + "/readings", "from-x").toString(),
                    new Received(ROOT + "/" + Y + "/readings", "from-y").toString())),
                    new TreeSet<>(ingest.awaitReceived(2).stream().map(Received::toString).toList()));

            String stateBefore = Files.readString(broker.dynamicSecurityFile());
            Run again = provision();
            assertEquals(0, again.exit(), again.err());
            assertTrue(again.out().contains("; no change"), again.out());
            assertEquals(stateBefore, Files.readString(broker.dynamicSecurityFile()), "the broker's state as it was");
            x.publish(ROOT + "/" + X + "/readings", "still-connected");
            assertEquals(3, ingest.awaitReceived(3).size());
            assertTrue(x.isConnected() && y.isConnected() && ingest.isConnected(), "nobody was disconnected");
            assertEquals(null, x.lost());

            // Y retired, Z registered; an account made by hand for an unknown device goes too, an operator's stays
            try (DynsecControl control = broker.control()) {
                control.executeAll(List.of(
                        DynsecControl.command("createClient").put("username", RETIRED).put("password", "p"),
                        DynsecControl.command("createClient").put("username", "operator-monitor")
                                .put("password", "p")));
            }
            body.set(installations(List.of(X, Z), Y));
            Run retire = provision();
            assertEquals(0, retire.exit(), retire.err());
            assertTrue(retire.out().contains("2 created [role wattwitness-device-" + Z + ", client " + Z + "]"),
                    retire.out());
            assertTrue(retire.out().contains("0 updated"), retire.out());
            assertTrue(retire.out().contains("3 deleted [client " + RETIRED + ", client " + Y + ", role "
                    + "wattwitness-device-" + Y + "]"), retire.out());
            Probes.await("Y's connection closed", java.time.Duration.ofSeconds(10), () -> !y.isConnected());
            assertTrue(x.isConnected(), "X untouched");
            assertEquals(null, x.lost());
        }
        roles.clear();
        assertEquals(Map.of(MosquittoAcl.DEFAULT_ADMIN_USERNAME, "", TestBrokers.INGEST, "", X, X, Z, Z,
                "operator-monitor", ""), clients(roles));
        assertEquals(Set.of(MosquittoAcl.ADMIN_ROLE, MosquittoAcl.INGEST_ROLE, MosquittoAcl.deviceRole(X),
                MosquittoAcl.deviceRole(Z)), roles);
        MqttException retired = assertThrows(MqttException.class, () -> device(Y).close());
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, retired.getReasonCode());
        try (MqttTestClient z = device(Z)) {
            assertTrue(z.isConnected());
        }
    }

    @Test
    void aNewSecretChangesThePasswordsAndADryRunChangesNothing() throws Exception {
        startBroker();
        assertEquals(0, provision().exit());
        Files.writeString(dir.resolve("secret"), "another-device-credential-secret");
        Run dry = provision("--dry-run");
        assertEquals(0, dry.exit(), dry.err());
        assertTrue(dry.out().startsWith("would reconcile") && dry.out().contains("2 updated [client " + X
                + ", client " + Y + "]"), dry.out());
        try (MqttTestClient x = device(X)) {
            assertTrue(x.isConnected(), "the dry run changed nothing");
        }
        Run changed = provision();
        assertEquals(0, changed.exit(), changed.err());
        assertTrue(changed.out().contains("0 created [], 2 updated"), changed.out());
        assertThrows(MqttException.class, () -> device(X).close(), "the old password");
        try (MqttTestClient x = MqttTestClient.connect(broker.serverUri(), X, X,
                MqttCredentials.devicePassword("another-device-credential-secret", X), true)) {
            assertTrue(x.isConnected());
        }
    }

    @Test
    void theInitialStateFileIsWrittenOnceAndAWrongAdministratorIsRefused() throws Exception {
        Path state = dir.resolve("init/dynamic-security.json");
        Run init = provision("--init-config", state.toString());
        assertEquals(0, init.exit(), init.err());
        assertTrue(Files.readString(state).contains(MosquittoAcl.DEFAULT_ADMIN_USERNAME));
        Run again = provision("--init-config", state.toString());
        assertEquals(2, again.exit());
        assertTrue(again.err().contains("owns it"), again.err());

        startBroker();
        Files.writeString(dir.resolve("admin-password"), "wrong");
        Run refused = provision();
        assertEquals(1, refused.exit());
        assertTrue(refused.err().contains("refused the credentials"), refused.err());
    }

    @Test
    void printsADevicesPasswordForItsConfiguration() {
        Run run = provision("--print-password", X);
        assertEquals(0, run.exit(), run.err());
        assertEquals(MqttCredentials.devicePassword(TestBrokers.SECRET, X), run.out().strip());
        assertEquals(32, run.out().strip().length());
    }

    @Test
    void refusedOrMalformedRegistryAnswersAreClearErrors() {
        StringWriter err = new StringWriter();
        int unauthorised = new CommandLine(new MqttProvisioning()).setErr(new PrintWriter(err)).execute(
                "--api", api(), "--token", "wrong", "--secret-file", dir.resolve("secret").toString(),
                "--ingest-password-file", dir.resolve("ingest-password").toString(),
                "--admin-password-file", dir.resolve("admin-password").toString());
        assertEquals(1, unauthorised);
        assertTrue(err.toString().contains("answered 401"), err.toString());

        body.set(installations(List.of(X, "0123456789ABCDEF"), RETIRED));
        Run badId = provision();
        assertEquals(2, badId.exit());
        assertTrue(badId.err().contains("installation 2 has no device_id of 16 lowercase hex digits"), badId.err());

        body.set("{\"installations\":[]}");
        Run notArray = provision();
        assertEquals(2, notArray.exit());
        assertTrue(notArray.err().contains("not a JSON array"), notArray.err());
    }

    @Test
    void aShortSecretOrAMissingIngestPasswordIsRefused() throws Exception {
        Files.writeString(dir.resolve("secret"), "short");
        Run shortSecret = provision();
        assertEquals(2, shortSecret.exit());
        assertTrue(shortSecret.err().contains("at least 16 characters"), shortSecret.err());
        Files.writeString(dir.resolve("secret"), TestBrokers.SECRET);
        Files.writeString(dir.resolve("ingest-password"), "");
        Run noIngest = provision();
        assertEquals(2, noIngest.exit());
        assertTrue(noIngest.err().contains("no ingest password"), noIngest.err());
    }
}
