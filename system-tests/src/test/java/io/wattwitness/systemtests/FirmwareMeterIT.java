package io.wattwitness.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.wattwitness.reading.DeviceKey;
import io.wattwitness.reading.Hex;
import io.wattwitness.reading.ReadingFlags;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.reading.ReadingStatus;
import io.wattwitness.systemtests.support.Database;
import io.wattwitness.systemtests.support.Poll;
import io.wattwitness.systemtests.support.ReliabilityStack;
import io.wattwitness.systemtests.support.ServiceProcess;
import io.wattwitness.systemtests.support.Settings;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Linux build of the firmware ({@code firmware/linux}: {@code wattwitness-meter}, the same protocol core as the
 * ESP32 build) against the real pipeline of {@link ReliabilityStack}: the shipped Mosquitto configuration (the meter
 * logs in with its own account: username = device id, password derived as in SPEC.md §6.3), Kafka, verify-service,
 * one ingest-service replica and PostgreSQL. A fake Shelly EM in this JVM serves Gen1 {@code GET /status} or Gen2
 * {@code GET /rpc/Shelly.GetStatus} payloads whose power and energy register change with every request.
 * <p>
 * Per generation: a fresh P-256 key (PKCS#8 PEM), the registration body printed by the meter itself
 * ({@code --print-registration}) registered in PostgreSQL, the device admitted to the broker. The meter runs with a
 * 200 ms interval; once readings are stored, ingest-service is killed (SIGKILL) so that acks stop and signed readings
 * pile up unacknowledged in the meter's flash outbox; then the meter is killed with {@code kill -9} mid-run, ingest
 * restarted, and the meter started again on the same flash file and key with {@code --max-readings}, so it stops by
 * itself once its outbox is empty. Checks: boot 2 = boot 1 + 1, each boot's seqs stored exactly once from 0 without
 * a gap up to at least the highest seq the meter logged (boot 2: exactly its readings), every row verified under the
 * registered key, every stored message decodes to the device, the meter's MAC and a power/energy pair the fake
 * Shelly served (mW and mWh from the decimal W and Wh text), the first reading of each boot flagged, every reading
 * unacknowledged at the kill resent after the restart, the outbox empty at the end, no conflict and no quarantine
 * row. Waits are bounded polls; nothing asserts on speed.
 */
class FirmwareMeterIT {

    private static final Logger LOG = Logger.getLogger(FirmwareMeterIT.class.getName());
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final Duration POLL = Duration.ofMillis(250);
    /** Readings the restarted meter takes at least; it stops after them once its outbox is empty. */
    private static final int BOOT2_READINGS = 30;
    private static final Pattern DEVICE_LINE = Pattern.compile("device ([0-9a-f]{16}) boot (\\d+),");
    private static final Pattern READING_LINE = Pattern.compile("reading boot (\\d+) seq (\\d+) stored");
    private static final Pattern OUTBOX_AT_BOOT = Pattern.compile("boot (\\d+), outbox pending (\\d+)");
    private static final Pattern STOPPED_LINE = Pattern.compile(
            "stopped: (\\d+) readings, (\\d+) sent, (\\d+) resent, (\\d+) acked, (\\d+) pending, (\\d+) dropped");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ReliabilityStack stack;
    private static Settings settings;
    private static Path meter;

    @TempDir
    static Path work;

    @BeforeAll
    static void startStack() throws Exception {
        meter = meterExecutable();
        settings = Settings.fromEnvironment();
        stack = ReliabilityStack.start(settings, "firmware", 1);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    /** Meter processes of the current test, killed after it whatever its outcome. */
    private final List<MeterRun> runs = new ArrayList<>();

    @AfterEach
    void stopMeters() throws InterruptedException {
        for (MeterRun run : runs) {
            run.kill9();
        }
    }

    @ParameterizedTest(name = "Shelly Gen{0}")
    @ValueSource(ints = {1, 2})
    void meterThroughThePipelineSurvivesKill9(int gen) throws Exception {
        Path dir = Files.createDirectories(work.resolve("gen" + gen));
        String mac = HexFormat.of().formatHex(randomBytes(6));
        try (FakeShelly shelly = FakeShelly.start(gen, mac)) {
            Path key = dir.resolve("key.pem");
            String publicKeyHex = writeKey(key);

            // Registration body as the firmware prints it for the operator.
            String name = "firmware-it-gen" + gen + "-" + mac;
            MeterRun registration = start(dir.resolve("registration.log"), List.of(meter.toString(),
                    "--shelly", shelly.url(), "--gen", Integer.toString(gen), "--key", key.toString(),
                    "--print-registration", name), true);
            assertEquals(0, registration.awaitExit(Duration.ofSeconds(60)), registration.output());
            JsonNode body = JSON.readTree(Files.readString(dir.resolve("registration.log.out")));
            assertEquals(name, body.path("name").asText());
            assertEquals(mac, body.path("shelly_mac").asText(), "the meter's MAC from the Shelly payload");
            assertEquals(publicKeyHex, body.path("public_key").asText(), "X‖Y of the PEM key");
            String deviceId = DeviceKey.ofHex(publicKeyHex).deviceIdHex();
            Database database = new Database(settings);
            database.register(name, mac, publicKeyHex, deviceId);
            stack.admit(List.of(deviceId));

            Path flash = dir.resolve("outbox.bin");
            List<String> command = List.of(meter.toString(),
                    "--mqtt", "mqtt://127.0.0.1:" + stack.broker().port(),
                    "--username", deviceId, "--password", stack.devicePassword(deviceId),
                    "--shelly", shelly.url(), "--gen", Integer.toString(gen), "--key", key.toString(),
                    "--flash", flash.toString(), "--interval-ms", "200",
                    "--ack-timeout-ms", "5000", "--ack-timeout-max-ms", "40000");

            // Boot 1: readings stored, then acks stop (ingest killed) while the meter keeps signing; kill -9.
            MeterRun run1 = start(dir.resolve("meter-boot1.log"), command, false);
            String logged = Poll.until(WAIT, POLL, run1::output, out -> DEVICE_LINE.matcher(out).find());
            Matcher device = DEVICE_LINE.matcher(logged);
            assertTrue(device.find(), "the meter's start line: " + run1.output());
            assertEquals(deviceId, device.group(1), "device id = first 8 bytes of SHA-256 of the key");
            long firstBoot = Long.parseLong(device.group(2));
            assertEquals(1, firstBoot, "a fresh counter file starts at boot 1");
            long storedBefore = Poll.until(WAIT, POLL, () -> bootRows(database, deviceId, firstBoot).size(),
                    n -> n >= 15);
            assertTrue(storedBefore >= 15, "readings of boot 1 stored: " + storedBefore + "\n" + run1.output());
            ServiceProcess ingest = stack.ingests().get(0);
            ingest.kill();
            int signedAtIngestKill = readingSeqs(run1.output(), firstBoot).size();
            int signedBeforeKill = Poll.until(WAIT, POLL, () -> readingSeqs(run1.output(), firstBoot).size(),
                    n -> n >= signedAtIngestKill + 10);
            assertTrue(signedBeforeKill >= signedAtIngestKill + 10, "the meter goes on signing without acks");
            run1.kill9();
            List<Long> boot1Logged = readingSeqs(run1.output(), firstBoot);
            long boot1HighestLogged = boot1Logged.get(boot1Logged.size() - 1);
            ingest.restart();
            ingest.awaitReady(WAIT);

            // Boot 2 on the same flash file and key: resends first, stops once its outbox is empty.
            List<String> again = new ArrayList<>(command);
            again.addAll(List.of("--max-readings", Integer.toString(BOOT2_READINGS)));
            MeterRun run2 = start(dir.resolve("meter-boot2.log"), again, false);
            int exit = run2.awaitExit(WAIT);
            String out2 = run2.output();
            assertEquals(0, exit, "the restarted meter stops by itself once its outbox is empty:\n" + out2);
            Matcher atBoot = OUTBOX_AT_BOOT.matcher(out2);
            assertTrue(atBoot.find(), out2);
            assertEquals(firstBoot + 1, Long.parseLong(atBoot.group(1)), "boot 2 = boot 1 + 1");
            long pendingAtRestart = Long.parseLong(atBoot.group(2));
            Matcher stopped = STOPPED_LINE.matcher(out2);
            assertTrue(stopped.find(), out2);
            // --max-readings: it stops at the first moment after that many readings when its outbox is empty.
            long boot2Readings = Long.parseLong(stopped.group(1));
            assertTrue(boot2Readings >= BOOT2_READINGS, "readings of boot 2: " + boot2Readings);
            long resent = Long.parseLong(stopped.group(3));
            assertEquals(0, Long.parseLong(stopped.group(5)), "outbox empty at the end: every reading acked");
            assertEquals(0, Long.parseLong(stopped.group(6)), "no reading dropped from the outbox");
            // Readings signed after ingest died were never acked: all of them (and perhaps a few before) are
            // pending at the restart, while the ones acked earlier are not.
            assertTrue(pendingAtRestart >= signedBeforeKill - signedAtIngestKill,
                    "unacknowledged readings pending at the restart: " + pendingAtRestart);
            assertTrue(pendingAtRestart < boot1Logged.size(),
                    "acks arrived in boot 1 (pending " + pendingAtRestart + " of " + boot1Logged.size() + ")");
            assertTrue(resent >= pendingAtRestart, "every pending reading resent: " + resent);
            long boot2 = firstBoot + 1;
            List<Long> boot2Logged = readingSeqs(out2, boot2);
            assertEquals(range(boot2Readings - 1), boot2Logged, "boot 2 logged seq 0…" + (boot2Readings - 1));

            // The database: each boot's seqs once, from 0, no gap, verified, with the served values.
            List<Database.ReadingRow> rows = database.readings(List.of(deviceId));
            Map<Long, List<Long>> seqsByBoot = new TreeMap<>();
            Set<Long> energies = new HashSet<>();
            for (Database.ReadingRow row : rows) {
                seqsByBoot.computeIfAbsent(row.boot(), b -> new ArrayList<>()).add(row.seq());
                assertEquals(ReadingStatus.VERIFIED, row.status(), "status of " + row);
                ReadingMessage message = ReadingMessage.decode(Hex.decode(row.messageHex()));
                assertEquals(deviceId, message.deviceIdHex());
                assertEquals(mac, message.meterIdHex());
                assertEquals(row.boot(), message.boot());
                assertEquals(row.seq(), message.seq());
                energies.add(message.energyMwh());
                assertTrue(shelly.served(message.powerMw(), message.energyMwh()),
                        "served by the fake Shelly: " + message.powerMw() + " mW, " + message.energyMwh() + " mWh");
                assertEquals(message.seq() == 0, message.hasFlag(ReadingFlags.FIRST_AFTER_BOOT),
                        "first-after-boot flag of seq " + message.seq());
                assertTrue(message.hasFlag(ReadingFlags.CLOCK_SYNCED), "clock-synced flag");
            }
            assertEquals(Set.of(firstBoot, boot2), seqsByBoot.keySet(), "boots stored");
            List<Long> stored1 = seqsByBoot.get(firstBoot).stream().sorted().toList();
            long highest1 = stored1.get(stored1.size() - 1);
            assertTrue(highest1 >= boot1HighestLogged,
                    "every reading boot 1 logged is stored: highest " + highest1 + " < " + boot1HighestLogged);
            assertEquals(range(highest1), stored1, "boot 1: seq 0…" + highest1 + " once each");
            assertEquals(range(boot2Readings - 1), seqsByBoot.get(boot2).stream().sorted().toList(),
                    "boot 2: seq 0…" + (boot2Readings - 1) + " once each");
            assertTrue(rows.stream().map(Database.ReadingRow::messageHex).distinct().count() == rows.size(),
                    "no message stored twice");
            assertTrue(energies.size() > 1, "the energy register changes over time: " + energies);
            Database.Counts counts = database.counts(List.of(deviceId));
            assertEquals(0, counts.conflicts(), "no conflicting message");
            assertEquals(0, counts.quarantined(), "nothing quarantined");
            LOG.info(() -> "firmware meter, Shelly Gen" + gen + ": boot 1 stored " + stored1.size() + " (logged "
                    + boot1Logged.size() + ", " + pendingAtRestart + " unacknowledged at the kill), boot 2 stored "
                    + boot2Readings + ", resent after the restart " + resent + ", rows " + rows.size());
        }
    }

    private MeterRun start(Path log, List<String> command, boolean stdout) throws IOException {
        MeterRun run = MeterRun.start(log, command, stdout);
        runs.add(run);
        return run;
    }

    private static List<Database.ReadingRow> bootRows(Database database, String deviceId, long boot)
            throws Exception {
        return database.readings(List.of(deviceId)).stream().filter(r -> r.boot() == boot).toList();
    }

    /** @return the seqs of {@code boot} the meter logged as stored in its outbox, in log order */
    private static List<Long> readingSeqs(String log, long boot) {
        List<Long> seqs = new ArrayList<>();
        Matcher m = READING_LINE.matcher(log);
        while (m.find()) {
            if (Long.parseLong(m.group(1)) == boot) {
                seqs.add(Long.parseLong(m.group(2)));
            }
        }
        return seqs;
    }

    private static List<Long> range(long last) {
        List<Long> out = new ArrayList<>();
        for (long s = 0; s <= last; s++) {
            out.add(s);
        }
        return out;
    }

    private static byte[] randomBytes(int n) {
        byte[] out = new byte[n];
        new SecureRandom().nextBytes(out);
        return out;
    }

    /**
     * Writes a fresh P-256 private key as unencrypted PKCS#8 PEM (what the meter's {@code --key} takes).
     *
     * @return the public key X‖Y, 128 lowercase hex
     */
    private static String writeKey(Path file) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Files.writeString(file, pem);
        ECPublicKey pub = (ECPublicKey) pair.getPublic();
        return fixed32(pub.getW().getAffineX()) + fixed32(pub.getW().getAffineY());
    }

    private static String fixed32(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - n, out, 32 - n, n);
        return HexFormat.of().formatHex(out);
    }

    /**
     * The meter executable: {@code firmware/build/host/wattwitness-meter} (system property
     * {@code wattwitness.firmware.meter} overrides), built with CMake when missing.
     */
    private static Path meterExecutable() throws Exception {
        Path root = Path.of(System.getProperty("wattwitness.repo.root", "..")).toAbsolutePath().normalize();
        String configured = System.getProperty("wattwitness.firmware.meter");
        Path exe = configured != null ? Path.of(configured).toAbsolutePath()
                : root.resolve("firmware/build/host/wattwitness-meter");
        if (Files.isExecutable(exe)) {
            return exe;
        }
        if (configured != null) {
            fail("wattwitness.firmware.meter=" + configured + " is not an executable");
        }
        LOG.info(() -> exe + " is missing: building it with CMake");
        build(root, List.of("cmake", "-S", "firmware/linux", "-B", "firmware/build/host"));
        build(root, List.of("cmake", "--build", "firmware/build/host", "--target", "wattwitness-meter"));
        assertTrue(Files.isExecutable(exe), "the CMake build did not produce " + exe);
        return exe;
    }

    private static void build(Path root, List<String> command) throws Exception {
        Path log = Files.createTempFile("ww-firmware-build-", ".log");
        Process process;
        try {
            process = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            fail("cannot run " + command.get(0) + " (" + e.getMessage() + "): the firmware meter needs cmake, a C"
                    + " compiler, libmosquitto-dev and libmbedtls-dev (.ci/run installs them)");
            return;
        }
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
            fail(String.join(" ", command) + " did not finish within 10 minutes");
        }
        String output = Files.readString(log);
        Files.deleteIfExists(log);
        if (process.exitValue() != 0) {
            fail(String.join(" ", command) + " failed (exit " + process.exitValue() + "); the firmware meter needs"
                    + " cmake, a C compiler, libmosquitto-dev and libmbedtls-dev (.ci/run installs them):\n"
                    + output);
        }
    }

    /** One run of the meter as a child process, its stderr (the log) in a file. */
    private static final class MeterRun {
        private final Process process;
        private final Path log;

        private MeterRun(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        /** @param stdout true to keep stdout apart in {@code <log>.out}, else it joins the log */
        static MeterRun start(Path log, List<String> command, boolean stdout) throws IOException {
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
            if (stdout) {
                builder.redirectOutput(Path.of(log + ".out").toFile());
            } else {
                builder.redirectErrorStream(true).redirectOutput(log.toFile());
            }
            return new MeterRun(builder.start(), log);
        }

        String output() throws IOException {
            return Files.readString(log);
        }

        /** @return the exit code; kills the process and fails when it does not end in time */
        int awaitExit(Duration timeout) throws Exception {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                fail("the meter did not stop within " + timeout + ":\n" + output());
            }
            return process.exitValue();
        }

        /** SIGKILL (the JDK's forcible destroy on Linux), then waits for the process to end. */
        void kill9() throws InterruptedException {
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the meter did not die on SIGKILL");
        }
    }

    /**
     * A Shelly EM on a free loopback port: Gen1 {@code GET /status} ({@code emeters[0].power} in W,
     * {@code .total} in Wh) or Gen2 {@code GET /rpc/Shelly.GetStatus} ({@code em1:0.act_power} in W,
     * {@code em1data:0.total_act_energy} in Wh), decimal text with three decimals, changing with every request.
     * Remembers every (mW, mWh) pair it served.
     */
    private static final class FakeShelly implements AutoCloseable {
        private final HttpServer server;
        private final int gen;
        private final String mac;
        private final AtomicLong requests = new AtomicLong();
        private final Set<String> served = ConcurrentHashMap.newKeySet();

        private FakeShelly(HttpServer server, int gen, String mac) {
            this.server = server;
            this.gen = gen;
            this.mac = mac;
        }

        static FakeShelly start(int gen, String mac) throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            FakeShelly shelly = new FakeShelly(server, gen, mac);
            server.createContext("/", shelly::handle);
            server.start();
            return shelly;
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        boolean served(long powerMw, long energyMwh) {
            return served.contains(powerMw + "/" + energyMwh);
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                String expected = gen == 1 ? "/status" : "/rpc/Shelly.GetStatus";
                if (!"GET".equals(exchange.getRequestMethod()) || !expected.equals(path)) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                long n = requests.incrementAndGet();
                // Power swings between import and export (Gen2 signs it); the register only grows.
                long powerMw = (gen == 2 && n % 5 == 0 ? -1 : 1) * (350_000 + 1_237 * (n % 97));
                long energyMwh = 12_345_678 + 1_009 * n;
                served.add(powerMw + "/" + energyMwh);
                String body = gen == 1
                        ? "{\"mac\":\"" + mac.toUpperCase() + "\",\"emeters\":[{\"power\":" + decimal(powerMw)
                                + ",\"reactive\":0.00,\"voltage\":231.42,\"is_valid\":true,\"total\":"
                                + decimal(energyMwh) + ",\"total_returned\":0.00}],\"uptime\":" + n + "}"
                        : "{\"sys\":{\"mac\":\"" + mac.toUpperCase() + "\",\"uptime\":" + n + "},"
                                + "\"em1:0\":{\"id\":0,\"current\":1.5,\"voltage\":231.4,\"act_power\":"
                                + decimal(powerMw) + ",\"aprt_power\":400.0,\"pf\":0.9},"
                                + "\"em1data:0\":{\"id\":0,\"total_act_energy\":" + decimal(energyMwh)
                                + ",\"total_act_ret_energy\":0.0}}";
                byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }

        /** Thousandths as exact decimal text: -1234567 → "-1234.567". */
        private static String decimal(long thousandths) {
            long abs = Math.abs(thousandths);
            return (thousandths < 0 ? "-" : "") + abs / 1000 + "." + String.format("%03d", abs % 1000);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
