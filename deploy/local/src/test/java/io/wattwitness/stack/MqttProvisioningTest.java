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
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
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
 * {@code GET /api/v1/installations} (snake_case, operator token), and the files it writes loaded by the shipped
 * broker configuration through a SIGHUP, as an operator adds a device.
 */
class MqttProvisioningTest {

    private static final String TOKEN = "test-operator-token";
    private static final String ROOT = "wwtest/provisioning/devices";
    private static final String X = "0123456789abcdef";
    private static final String Y = "fedcba9876543210";
    private static final String RETIRED = "00000000000000ff";

    @TempDir
    Path dir;

    private HttpServer registry;
    private final AtomicReference<String> body = new AtomicReference<>();
    private MosquittoProcess broker;

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
    }

    @AfterEach
    void stop() {
        registry.stop(0);
        if (broker != null) {
            broker.close();
        }
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
                "--acl-template", TestBrokers.shippedDir().resolve("acl").toString(),
                "--topic-root", ROOT));
        args.addAll(List.of(extra));
        int exit = command.execute(args.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private MqttTestClient device(String id) throws MqttException {
        return MqttTestClient.connect(broker.serverUri(), "ww-sim-" + id, id, TestBrokers.password(id), true);
    }

    @Test
    void anOperatorRegistersProvisionsReloadsAndTheDeviceConnects() throws Exception {
        broker = TestBrokers.start(dir.resolve("broker"), ROOT, Map.of(TestBrokers.INGEST, "not-yet-provisioned"));
        assertThrows(MqttException.class, () -> device(X).close(), "not provisioned yet");

        Path passwd = dir.resolve("out/passwd");
        Path acl = dir.resolve("out/acl");
        Run run = provision("--password-file", passwd.toString(), "--acl", acl.toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("2 device accounts and " + TestBrokers.INGEST), run.out());
        List<String> users = Files.readAllLines(passwd).stream().map(line -> line.substring(0, line.indexOf(':')))
                .toList();
        assertEquals(List.of(X, TestBrokers.INGEST, Y).stream().sorted().toList(), users);
        assertTrue(Files.readString(passwd).lines().allMatch(line -> line.contains(":$7$101$")), "hashed");
        assertFalse(Files.readString(passwd).contains(TestBrokers.password(X)), "no plain text password");

        Files.copy(passwd, broker.workDir().resolve("passwd"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(acl, broker.workDir().resolve("acl"), StandardCopyOption.REPLACE_EXISTING);
        broker.signalReload();

        try (MqttTestClient ingest = MqttTestClient.connect(broker.serverUri(), "wattwitness-ingest-0",
                TestBrokers.INGEST, TestBrokers.INGEST_PASSWORD, true);
                MqttTestClient x = device(X); MqttTestClient y = device(Y)) {
            ingest.subscribe("$share/ingest/" + ROOT + "/+/readings");
            x.publish(ROOT + "/" + X + "/readings", "from-x");
            y.publish(ROOT + "/" + Y + "/readings", "from-y");
            assertEquals(new TreeSet<>(List.of(new Received(ROOT + "/" + X + "/readings", "from-x").toString(),
                    new Received(ROOT + "/" + Y + "/readings", "from-y").toString())),
                    new TreeSet<>(ingest.awaitReceived(2).stream().map(Received::toString).toList()));
        }
        MqttException inactive = assertThrows(MqttException.class, () -> device(RETIRED).close());
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, inactive.getReasonCode());
    }

    @Test
    void printsADevicesPasswordForItsConfiguration() {
        Run run = provision("--print-password", X);
        assertEquals(0, run.exit(), run.err());
        assertEquals(MqttCredentials.devicePassword(TestBrokers.SECRET, X), run.out().strip());
        assertEquals(32, run.out().strip().length());
    }

    @Test
    void refusedOrMalformedRegistryAnswersAreClearErrorsAndWriteNothing() {
        Path passwd = dir.resolve("never/passwd");
        StringWriter err = new StringWriter();
        int unauthorised = new CommandLine(new MqttProvisioning()).setErr(new PrintWriter(err)).execute(
                "--api", api(), "--token", "wrong", "--secret-file", dir.resolve("secret").toString(),
                "--ingest-password-file", dir.resolve("ingest-password").toString(),
                "--password-file", passwd.toString());
        assertEquals(1, unauthorised);
        assertTrue(err.toString().contains("answered 401"), err.toString());

        body.set(installations(List.of(X, "0123456789ABCDEF"), RETIRED));
        Run badId = provision("--password-file", passwd.toString());
        assertEquals(2, badId.exit());
        assertTrue(badId.err().contains("installation 2 has no device_id of 16 lowercase hex digits"), badId.err());

        body.set("{\"installations\":[]}");
        Run notArray = provision("--password-file", passwd.toString());
        assertEquals(2, notArray.exit());
        assertTrue(notArray.err().contains("not a JSON array"), notArray.err());
        assertFalse(Files.exists(passwd));
    }

    @Test
    void aShortSecretOrAMissingIngestPasswordIsRefused() throws Exception {
        Files.writeString(dir.resolve("secret"), "short");
        Run shortSecret = provision("--password-file", dir.resolve("passwd").toString());
        assertEquals(2, shortSecret.exit());
        assertTrue(shortSecret.err().contains("at least 16 characters"), shortSecret.err());
        Files.writeString(dir.resolve("secret"), TestBrokers.SECRET);
        Files.writeString(dir.resolve("ingest-password"), "");
        Run noIngest = provision("--password-file", dir.resolve("passwd").toString());
        assertEquals(2, noIngest.exit());
        assertTrue(noIngest.err().contains("no ingest password"), noIngest.err());
    }
}
