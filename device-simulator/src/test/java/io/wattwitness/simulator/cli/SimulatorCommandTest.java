package io.wattwitness.simulator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wattwitness.reading.DeviceKey;
import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.ReadingFormatException;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.reading.ReadingVerifier;
import io.wattwitness.simulator.repository.PemKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SimulatorCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Result(int exitCode, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new SimulatorCommand());
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int code = command.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private DeviceKey key(int index) throws Exception {
        return PemKeys.fromPem(Files.readString(dir.resolve("state").resolve(String.format("device-%03d", index))
                .resolve("key.pem"))).publicKey();
    }

    @Test
    void printsEnvelopesAndWritesTheManifest() throws Exception {
        Path manifest = dir.resolve("manifest.jsonl");
        Result result = run("--devices", "2", "--count", "20", "--speed", "0", "--state", dir.resolve("state")
                .toString(), "--start", "2024-06-21T18:00:00Z", "--interval", "1m", "--seed", "5", "--drop-rate",
                "0.2", "--duplicate-rate", "0.1", "--tamper-rate", "0.1", "--manifest", manifest.toString());
        assertEquals(0, result.exitCode(), result.err());
        List<String> printed = result.out().lines().toList();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
            lines.add(JSON.readTree(line));
        }
        long sent = lines.stream().filter(l -> l.get("sent").asBoolean()).count();
        long dropped = lines.stream().filter(l -> l.get("fault").asText().equals("dropped")).count();
        assertEquals(sent, printed.size());
        assertEquals(40, lines.size() - lines.stream().filter(l -> l.get("fault").asText().equals("duplicate"))
                .count(), "one line per reading plus duplicates");
        assertTrue(dropped > 0);
        for (int i = 0; i < printed.size(); i++) {
            JsonNode envelopeJson = JSON.readTree(printed.get(i));
            JsonNode line = lines.stream().filter(l -> l.get("sent").asBoolean()).toList().get(i);
            assertEquals(line.get("message").asText(), envelopeJson.get("message").asText());
            Envelope envelope = Envelope.ofHex(envelopeJson.get("message").asText(),
                    envelopeJson.get("signature").asText());
            DeviceKey key = key(line.get("device_index").asInt());
            boolean verifies;
            try {
                ReadingMessage reading = ReadingVerifier.verify(key, envelope.message(), envelope.signature())
                        .reading();
                assertEquals(line.get("seq").asLong(), reading.seq());
                assertEquals(line.get("energy_mwh").asLong(), reading.energyMwh());
                verifies = true;
            } catch (ReadingFormatException e) {
                verifies = false;
            }
            assertEquals(!line.get("fault").asText().equals("tampered"), verifies, line.toString());
        }
        assertTrue(result.err().contains("device 1 id=" + key(1).deviceIdHex()));

        Result again = run("--count", "1", "--speed", "0", "--state", dir.resolve("state").toString());
        assertEquals(0, again.exitCode(), again.err());
        ReadingMessage next = ReadingMessage.decode(Envelope.ofHex(JSON.readTree(again.out()).get("message").asText(),
                JSON.readTree(again.out()).get("signature").asText()).message());
        assertEquals(2, next.boot());
        assertEquals(0, next.seq());
    }

    @Test
    void replaysAPowerFileShiftedToTheStartDate() throws Exception {
        Path csv = dir.resolve("power.csv");
        Files.writeString(csv, """
                measured_on,ac_power__752
                2022-03-18 12:00:00-07:00,1000
                2022-03-18 12:10:00-07:00,2000
                """);
        Result result = run("--replay", csv.toString(), "--start", "2024-06-21T00:00:00Z", "--interval", "5m",
                "--speed", "0", "--state", dir.resolve("state").toString());
        assertEquals(0, result.exitCode(), result.err());
        List<String> printed = result.out().lines().toList();
        assertEquals(3, printed.size(), "12:00, 12:05, 12:10 local on the start date, then the data ends");
        List<Long> times = new ArrayList<>();
        List<Long> registers = new ArrayList<>();
        for (String line : printed) {
            JsonNode node = JSON.readTree(line);
            ReadingMessage reading = ReadingVerifier.verify(key(0), Envelope.ofHex(node.get("message").asText(),
                    node.get("signature").asText()).message(), Envelope.ofHex(node.get("message").asText(),
                    node.get("signature").asText()).signature()).reading();
            times.add(reading.timestampMs());
            registers.add(reading.energyMwh());
        }
        long noon = Instant.parse("2024-06-21T19:00:00Z").toEpochMilli();
        assertEquals(List.of(noon, noon + 300_000, noon + 600_000), times);
        // 1000 -> 1500 W over 5 min = 104.167 Wh; 1500 -> 2000 W = 145.833 Wh
        assertEquals(List.of(0L, 104_166L, 250_000L), registers);
    }

    @Test
    void replaysASpreadsheetExportWithZoneAndColumnFromTheCommandLine() throws Exception {
        Path csv = dir.resolve("export.csv");
        Files.writeString(csv, """
                Date/Time,Site,AC Power (W),Irradiance
                3/18/2022 12:00,east,1000,800
                3/18/2022 12:10,east,2000,810
                """);
        Result result = run("--replay", csv.toString(), "--replay-zone", "America/Phoenix", "--replay-column",
                "ac power (w)", "--interval", "5m", "--speed", "0", "--state", dir.resolve("state").toString());
        assertEquals(0, result.exitCode(), result.err());
        List<Long> registers = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        for (String line : result.out().lines().toList()) {
            JsonNode node = JSON.readTree(line);
            Envelope envelope = Envelope.ofHex(node.get("message").asText(), node.get("signature").asText());
            ReadingMessage reading = ReadingVerifier.verify(key(0), envelope.message(), envelope.signature()).reading();
            times.add(reading.timestampMs());
            registers.add(reading.energyMwh());
        }
        // Phoenix is UTC-7 all year: 12:00 local = 19:00Z
        long noon = Instant.parse("2022-03-18T19:00:00Z").toEpochMilli();
        assertEquals(List.of(noon, noon + 300_000, noon + 600_000), times);
        assertEquals(List.of(0L, 104_166L, 250_000L), registers);

        Result noZone = run("--replay", csv.toString(), "--replay-column", "AC Power (W)", "--state",
                dir.resolve("s").toString());
        assertEquals(2, noZone.exitCode());
        assertTrue(noZone.err().contains("export.csv:2: time '3/18/2022 12:00' has no UTC offset"), noZone.err());
        Result badZone = run("--replay", csv.toString(), "--replay-zone", "Mars/Olympus", "--state",
                dir.resolve("s").toString());
        assertEquals(2, badZone.exitCode());
        assertTrue(badZone.err().contains("--replay-zone: 'Mars/Olympus' is not a zone id"), badZone.err());
    }

    @Test
    void badArgumentsGiveClearErrors() {
        Result rate = run("--tamper-rate", "2", "--count", "1", "--state", dir.resolve("s").toString());
        assertEquals(2, rate.exitCode());
        assertTrue(rate.err().contains("tamper-rate must be within [0, 1]"), rate.err());

        Result missing = run("--replay", dir.resolve("nope.csv").toString(), "--state", dir.resolve("s").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("--replay: no such file"), missing.err());

        Result both = run("--mqtt", "tcp://127.0.0.1:1883", "--http", "http://127.0.0.1:8080");
        assertEquals(2, both.exitCode());
        assertTrue(both.err().contains("choose one transport"), both.err());

        Result start = run("--start", "tomorrow", "--state", dir.resolve("s").toString());
        assertEquals(2, start.exitCode());
        assertTrue(start.err().contains("not an ISO instant"), start.err());

        Result duration = run("--interval", "soon");
        assertNotEquals(0, duration.exitCode());
        assertTrue(duration.err().contains("is not a duration"), duration.err());
    }

    @Test
    void durationsInShortAndIsoForms() {
        assertEquals(Duration.ofSeconds(10), DurationConverter.parse("10s"));
        assertEquals(Duration.ofMinutes(10), DurationConverter.parse("+10m"));
        assertEquals(Duration.ofSeconds(-30), DurationConverter.parse("-30s"));
        assertEquals(Duration.ofMillis(500), DurationConverter.parse("500ms"));
        assertEquals(Duration.ofDays(2), DurationConverter.parse("2d"));
        assertEquals(Duration.ofHours(1), DurationConverter.parse("PT1H"));
    }

    @Test
    void mqttOptionsAreCheckedBeforeAnythingIsSent() {
        String state = dir.resolve("state").toString();
        Result twoWithUser = run("--devices", "2", "--count", "1", "--speed", "0", "--state", state, "--mqtt",
                "tcp://127.0.0.1:9", "--mqtt-username", "u", "--mqtt-password", "p");
        assertEquals(2, twoWithUser.exitCode());
        assertTrue(twoWithUser.err().contains("--mqtt-username is for a single device"), twoWithUser.err());
        Result passwordAlone = run("--count", "1", "--speed", "0", "--state", state, "--mqtt", "tcp://127.0.0.1:9",
                "--mqtt-password", "p");
        assertEquals(2, passwordAlone.exitCode());
        assertTrue(passwordAlone.err().contains("--mqtt-password needs --mqtt-username"), passwordAlone.err());
        Result both = run("--count", "1", "--speed", "0", "--state", state, "--mqtt", "tcp://127.0.0.1:9",
                "--mqtt-username", "u", "--mqtt-credentials-secret", "0123456789abcdef0123");
        assertEquals(2, both.exitCode());
        assertTrue(both.err().contains("not both"), both.err());
        Result badRoot = run("--count", "1", "--speed", "0", "--state", state, "--mqtt", "tcp://127.0.0.1:9",
                "--mqtt-topic-root", "a/#");
        assertEquals(2, badRoot.exitCode());
        assertTrue(badRoot.err().contains("topic root"), badRoot.err());
        Result badWindow = run("--count", "1", "--speed", "0", "--state", state, "--window", "0");
        assertEquals(2, badWindow.exitCode());
        assertTrue(badWindow.err().contains("window"), badWindow.err());
        Result badTimeouts = run("--count", "1", "--speed", "0", "--state", state, "--ack-timeout", "11m");
        assertEquals(2, badTimeouts.exitCode());
        assertTrue(badTimeouts.err().contains("must not be below the ack timeout"), badTimeouts.err());
    }

    @Test
    void anMqttRunUnderItsTopicRootReportsWhatIsLeftInTheOutbox() {
        String root = "wwsim-cli-test/" + System.nanoTime();
        Result result = run("--count", "3", "--speed", "0", "--state", dir.resolve("state").toString(), "--mqtt",
                System.getenv().getOrDefault("MQTT_URL", "tcp://127.0.0.1:1883"), "--mqtt-topic-root", root,
                "--window", "2", "--drain-timeout", "300ms", "--start", "2024-06-21T18:00:00Z");
        assertEquals(0, result.exitCode(), result.err());
        // nobody acks under this root: the window let 2 out, the third waits in the outbox for the next start
        assertTrue(result.err().contains("unacknowledged=3 dropped=0"), result.err());
        assertTrue(result.err().contains("delivery: sent=2 resent=0"), result.err());
        assertTrue(result.err().contains("outboxes not empty after PT0.3S"), result.err());
    }
}
