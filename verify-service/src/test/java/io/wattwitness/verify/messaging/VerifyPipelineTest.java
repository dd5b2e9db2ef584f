package io.wattwitness.verify.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wattwitness.kafka.KafkaBrokerTestResource;
import io.wattwitness.reading.DeviceSigner;
import io.wattwitness.reading.Hex;
import io.wattwitness.reading.ReadingFlags;
import io.wattwitness.reading.ReadingMessage;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * readings.raw through the running service into the machine's PostgreSQL: every rule, checked row by row, and
 * the counts add up to what was sent.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerTestResource.class)
@WithTestResource(TestDatabaseResource.class)
class VerifyPipelineTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    private static String raw() {
        return PipelineKit.topic("readings-raw");
    }

    private static String statusOf(String deviceId, long boot, long seq) {
        List<Map<String, Object>> rows = PipelineKit.query(
                "SELECT status, verification_error FROM readings WHERE device_id = ? AND boot = ? AND seq = ?",
                deviceId, boot, seq);
        if (rows.isEmpty()) {
            return "absent";
        }
        Object error = rows.get(0).get("verification_error");
        return rows.get(0).get("status") + (error == null ? "" : "/" + error);
    }

    private static Map<String, Long> quarantineReasons(String deviceId) {
        Map<String, Long> reasons = new TreeMap<>();
        for (Map<String, Object> row : PipelineKit.query("SELECT reason, count(*) AS n FROM quarantine"
                + " WHERE device_id = ? AND stage = 'verify' GROUP BY reason", deviceId)) {
            reasons.put((String) row.get("reason"), ((Number) row.get("n")).longValue());
        }
        return reasons;
    }

    @Test
    void everyRecordLandsVerifiedDisputedAnomalousOrQuarantinedWithItsReason() throws Exception {
        DeviceSigner device = DeviceSigner.generate(PipelineKit.RANDOM);
        DeviceSigner retired = DeviceSigner.generate(PipelineKit.RANDOM);
        DeviceSigner stranger = DeviceSigner.generate(PipelineKit.RANDOM);
        long installation = PipelineKit.registerInstallation(device, retired);
        String id = device.publicKey().deviceIdHex();
        String retiredId = retired.publicKey().deviceIdHex();
        String strangerId = stranger.publicKey().deviceIdHex();
        long now = System.currentTimeMillis();
        long t = now - 600_000;
        double duplicatesBefore = PipelineKit.metric("verify_readings_total", "outcome=\"duplicate\"");

        List<ProducerRecord<String, byte[]>> phase1 = new ArrayList<>();
        phase1.add(PipelineKit.record(raw(), id, PipelineKit.envelope(device,
                PipelineKit.message(device, 1, 0, t, 100_000, 1_000, ReadingFlags.FIRST_AFTER_BOOT | 1)), now));
        phase1.add(PipelineKit.record(raw(), id, PipelineKit.envelope(device,
                PipelineKit.message(device, 1, 1, t + 10_000, 120_000, 2_000, 1)), now));
        ReadingMessage seq3 = PipelineKit.message(device, 1, 3, t + 30_000, 130_000, 3_000, 1);
        phase1.add(PipelineKit.record(raw(), id, PipelineKit.envelope(device, seq3), now));
        phase1.add(PipelineKit.record(raw(), id, PipelineKit.envelope(device,
                PipelineKit.message(device, 1, 5, t + 50_000, 130_000, 5_000, 1)), now));
        try (PipelineKit kit = new PipelineKit()) {
            kit.send(phase1);
            PipelineKit.await("phase 1 stored", WAIT,
                    () -> PipelineKit.count("SELECT count(*) FROM readings WHERE device_id = ?", id) == 4);

            List<ProducerRecord<String, byte[]>> phase2 = new ArrayList<>();
            // identical resend of seq 1
            phase2.add(PipelineKit.record(raw(), id, PipelineKit.envelope(device,
                    PipelineKit.message(device, 1, 1, t + 10_000, 120_000, 2_000, 1)), now));
            // tampered: a byte of the message changed after signing
            byte[] tampered = PipelineKit.message(device, 1, 2, t + 20_000, 1, 2_500, 1).encode();
            byte[] signature = device.sign(tampered);
            tampered[40] ^= 1;
            phase2.add(PipelineKit.record(raw(), id, ("{\"message\":\"" + Hex.encode(tampered) + "\",\"signature\":\""
                    + Hex.encode(signature) + "\"}").getBytes(StandardCharsets.UTF_8), now));
            // conflicting: another validly signed message for (boot 1, seq 3), stored in phase 1
            ReadingMessage seq3Conflict = PipelineKit.message(device, 1, 3, t + 30_000, 999_000, 3_000, 1);
            phase2.add(PipelineKit.record(raw(), id, PipelineKit.envelope(device, seq3Conflict), now));
            // reordered: seq 4 after seq 5
            phase2.add(PipelineKit.record(raw(), id, PipelineKit.envelope(device,
                    PipelineKit.message(device, 1, 4, t + 40_000, 130_000, 4_000, 1)), now));
            // register decrease against seq 5 without the reset flag
            phase2.add(PipelineKit.record(raw(), id, PipelineKit.envelope(device,
                    PipelineKit.message(device, 1, 6, t + 60_000, 130_000, 4_500, 1)), now));
            // register restart declared: clean
            phase2.add(PipelineKit.record(raw(), id, PipelineKit.envelope(device,
                    PipelineKit.message(device, 1, 7, t + 70_000, 130_000, 10, 1 | ReadingFlags.REGISTER_RESTARTED)), now));
            // skewed and old times
            phase2.add(PipelineKit.record(raw(), id, PipelineKit.envelope(device,
                    PipelineKit.message(device, 1, 8, now + 600_000, 1, 5_000, 1)), now));
            phase2.add(PipelineKit.record(raw(), id, PipelineKit.envelope(device,
                    PipelineKit.message(device, 1, 9, now - 73 * 3_600_000L, 1, 5_000, 1)), now));
            phase2.add(PipelineKit.record(raw(), id, PipelineKit.envelope(device,
                    PipelineKit.message(device, 1, 10, 1_704_067_199_000L, 1, 5_000, 1)), 1_704_067_200_000L));
            // new boot, then a reading of the old boot: rollback
            phase2.add(PipelineKit.record(raw(), id, PipelineKit.envelope(device,
                    PipelineKit.message(device, 2, 0, t + 90_000, 1, 6_000, ReadingFlags.FIRST_AFTER_BOOT)), now));
            phase2.add(PipelineKit.record(raw(), id, PipelineKit.envelope(device,
                    PipelineKit.message(device, 1, 11, t + 100_000, 1, 6_000, 1)), now));
            // an equivocation within one poll: two messages for (boot 2, seq 1), back to back
            phase2.add(PipelineKit.record(raw(), id, PipelineKit.envelope(device,
                    PipelineKit.message(device, 2, 1, t + 110_000, 1, 6_100, 1)), now));
            phase2.add(PipelineKit.record(raw(), id, PipelineKit.envelope(device,
                    PipelineKit.message(device, 2, 1, t + 110_000, 2, 6_100, 1)), now));
            // malformed envelopes
            phase2.add(PipelineKit.record(raw(), id, "{\"message\":".getBytes(StandardCharsets.UTF_8), now));
            phase2.add(PipelineKit.record(raw(), id, ("{\"message\":\"00\",\"signature\":\"" + Hex.encode(signature)
                    + "\"}").getBytes(StandardCharsets.UTF_8), now));
            byte[] badMagic = PipelineKit.message(device, 2, 2, t + 120_000, 1, 6_200, 1).encode();
            badMagic[0] = 'X';
            phase2.add(PipelineKit.record(raw(), id, ("{\"message\":\"" + Hex.encode(badMagic) + "\",\"signature\":\""
                    + Hex.encode(device.sign(badMagic)) + "\"}").getBytes(StandardCharsets.UTF_8), now));
            // unknown device, and a key the installation had before (retired keys still verify)
            phase2.add(PipelineKit.record(raw(), strangerId, PipelineKit.envelope(stranger,
                    PipelineKit.message(stranger, 0, 0, t, 1, 1, 0)), now));
            phase2.add(PipelineKit.record(raw(), retiredId, PipelineKit.envelope(retired,
                    PipelineKit.message(retired, 9, 0, t, 1, 1, 0)), now));
            // ...but not for a reading timed after the key's retirement (the contract would refuse it)
            phase2.add(PipelineKit.record(raw(), retiredId, PipelineKit.envelope(retired,
                    PipelineKit.message(retired, 9, 1, now + 1_000, 1, 2, 0)), now));
            kit.send(phase2);

            PipelineKit.await("phase 2 processed", WAIT, () -> PipelineKit.count(
                    "SELECT count(*) FROM quarantine WHERE device_id IN (?, ?, ?)", id, strangerId, retiredId) == 10
                    && PipelineKit.count("SELECT count(*) FROM readings WHERE device_id IN (?, ?)", id, retiredId) == 10);
        }

        assertEquals("verified", statusOf(id, 1, 0));
        assertEquals("verified", statusOf(id, 1, 1));
        assertEquals("absent", statusOf(id, 1, 2));
        assertEquals("disputed/equivocation", statusOf(id, 1, 3));
        assertEquals("verified", statusOf(id, 1, 4));
        assertEquals("verified", statusOf(id, 1, 5));
        assertEquals("anomaly/register_decreased", statusOf(id, 1, 6));
        assertEquals("verified", statusOf(id, 1, 7));
        assertEquals("absent", statusOf(id, 1, 8));
        assertEquals("absent", statusOf(id, 1, 11));
        assertEquals("verified", statusOf(id, 2, 0));
        assertEquals("disputed/equivocation", statusOf(id, 2, 1));
        assertEquals("verified", statusOf(retiredId, 9, 0));

        Map<String, Long> expectedReasons = new TreeMap<>(Map.of("bad_signature", 1L, "clock_ahead", 1L,
                "too_old", 1L, "before_2024", 1L, "rollback", 1L, "malformed_json", 1L, "message_length", 1L,
                "magic", 1L));
        assertEquals(expectedReasons, quarantineReasons(id));
        assertEquals(Map.of("unknown_device", 1L), quarantineReasons(strangerId));
        assertEquals(Map.of("key_retired", 1L), quarantineReasons(retiredId));
        assertEquals("absent", statusOf(retiredId, 9, 1));

        // the stored reading keeps the 52 bytes, the low-S signature, decoded fields and both times
        Map<String, Object> row = PipelineKit.query("SELECT * FROM readings WHERE device_id = ? AND boot = 1 AND seq = 3",
                id).get(0);
        assertArrayEquals(seq3.encode(), (byte[]) row.get("message"));
        assertEquals(64, ((byte[]) row.get("signature")).length);
        assertEquals(installation, ((Number) row.get("installation_id")).longValue());
        assertEquals(130.0, ((Number) row.get("power_w")).doubleValue());
        assertEquals(3.0, ((Number) row.get("total_wh")).doubleValue());
        assertEquals("34945a1b2c3d", row.get("meter_id"));
        assertEquals(Boolean.TRUE, row.get("is_verified"));
        assertEquals(now, ((Timestamp) row.get("received_at")).getTime());
        assertEquals(t + 30_000, ((Timestamp) row.get("reading_time")).getTime());
        assertTrue(((Timestamp) row.get("verified_at")).getTime() >= now);

        // both messages of each equivocation are kept
        List<Map<String, Object>> conflicts = PipelineKit.query("SELECT c.message FROM reading_conflicts c"
                + " JOIN readings r ON r.id = c.reading_id WHERE r.device_id = ? ORDER BY r.boot", id);
        assertEquals(2, conflicts.size());
        assertArrayEquals(PipelineKit.message(device, 1, 3, t + 30_000, 999_000, 3_000, 1).encode(),
                (byte[]) conflicts.get(0).get("message"));

        // quarantine keeps the raw envelope and names the reading
        Map<String, Object> skewed = PipelineKit.query("SELECT * FROM quarantine WHERE device_id = ? AND reason = ?",
                id, "clock_ahead").get(0);
        assertEquals(8L, ((Number) skewed.get("seq")).longValue());
        assertEquals(installation, ((Number) skewed.get("installation_id")).longValue());
        assertEquals("mqtt", skewed.get("source"));
        assertEquals("wattwitness/v1/devices/" + id + "/readings", skewed.get("topic"));
        assertTrue(new String((byte[]) skewed.get("raw"), StandardCharsets.UTF_8).startsWith("{\"message\":\""));

        // counts add up: 4 + 19 records sent (device, retired key, stranger)
        long stored = PipelineKit.count("SELECT count(*) FROM readings WHERE device_id IN (?, ?)", id, retiredId);
        long conflictRows = conflicts.size();
        long quarantined = PipelineKit.count("SELECT count(*) FROM quarantine WHERE device_id IN (?, ?, ?)", id,
                retiredId, strangerId);
        double duplicates = PipelineKit.metric("verify_readings_total", "outcome=\"duplicate\"") - duplicatesBefore;
        assertEquals(10, stored);
        assertEquals(10, quarantined);
        assertEquals(1.0, duplicates);
        assertEquals(4 + 19, stored + conflictRows + quarantined + (long) duplicates);

        // readings.verified: every stored reading, then the disputed one again with its new status
        Map<Long, String> finalStatus = new HashMap<>();
        for (Map<String, Object> reading : PipelineKit.query("SELECT id, status FROM readings WHERE device_id IN (?, ?)",
                id, retiredId)) {
            finalStatus.put(((Number) reading.get("id")).longValue(), (String) reading.get("status"));
        }
        List<JsonNode> events = PipelineKit.verifiedEvents(List.of(id, retiredId),
                seen -> finalStatus.equals(lastStatuses(seen)), WAIT);
        assertEquals(finalStatus, lastStatuses(events));
        long seq3Id = ((Number) row.get("id")).longValue();
        assertEquals(List.of("verified", "disputed"), events.stream().filter(e -> e.get("id").asLong() == seq3Id)
                .map(e -> e.get("status").asText()).toList());
        // 10 stored readings, the disputed one again, and, when the duplicate came in a later poll than its
        // original, the stored reading it names once more (a redelivery republishes what it names)
        assertTrue(events.size() >= 11 && events.size() <= 13, "events: " + events.size());
        JsonNode first = events.stream().filter(e -> e.get("seq").asLong() == 0 && e.get("boot").asLong() == 1)
                .findFirst().orElseThrow();
        assertEquals(installation, first.get("installation_id").asLong());
        assertEquals(1_000, first.get("energy_mwh").asLong());
        assertEquals(now, first.get("received_at").asLong());
        assertNull(first.get("verification_error").textValue());
        assertEquals(104, first.get("message").asText().length());
    }

    private static Map<Long, String> lastStatuses(List<JsonNode> events) {
        Map<Long, String> statuses = new HashMap<>();
        for (JsonNode event : events) {
            statuses.put(event.get("id").asLong(), event.get("status").asText());
        }
        return statuses;
    }

    @Test
    void aDeviceRegisteredWhileRunningIsAcceptedWithoutRestart() throws Exception {
        DeviceSigner device = DeviceSigner.generate(PipelineKit.RANDOM);
        String id = device.publicKey().deviceIdHex();
        long now = System.currentTimeMillis();
        try (PipelineKit kit = new PipelineKit()) {
            kit.send(List.of(PipelineKit.record(raw(), id, PipelineKit.envelope(device,
                    PipelineKit.message(device, 1, 0, now - 1_000, 1, 1, 0)), now)));
            PipelineKit.await("unknown device quarantined", WAIT, () -> PipelineKit.count(
                    "SELECT count(*) FROM quarantine WHERE device_id = ? AND reason = 'unknown_device'", id) == 1);

            PipelineKit.registerInstallation(device);
            kit.send(List.of(PipelineKit.record(raw(), id, PipelineKit.envelope(device,
                    PipelineKit.message(device, 1, 1, now, 1, 2, 0)), now)));
            PipelineKit.await("reading of the new device stored", WAIT,
                    () -> "verified".equals(statusOf(id, 1, 1)));
        }
        assertEquals("absent", statusOf(id, 1, 0));
    }

    @Test
    void rejectedEnvelopesFromIngestAreQuarantined() throws Exception {
        String deviceId = String.format("%016x", PipelineKit.RANDOM.nextLong());
        byte[] payload = ("{\"message\":\"" + deviceId + "\"}").getBytes(StandardCharsets.UTF_8);
        String contract = "{\"reason\":\"message_length\",\"detail\":\"message: expected 104 hex characters\","
                + "\"source\":\"mqtt\",\"topic\":\"wattwitness/v1/devices/" + deviceId + "/readings\","
                + "\"received_at\":1767225600123,\"raw_base64\":\""
                + Base64.getEncoder().encodeToString(payload) + "\"}";
        byte[] garbage = ("not json " + deviceId).getBytes(StandardCharsets.UTF_8);
        String rejected = PipelineKit.topic("readings-rejected");
        try (PipelineKit kit = new PipelineKit()) {
            kit.send(List.of(PipelineKit.record(rejected, deviceId, contract.getBytes(StandardCharsets.UTF_8),
                    1_767_225_600_000L), PipelineKit.record(rejected, deviceId, garbage, 1_767_225_600_000L)));
            PipelineKit.await("rejected envelopes quarantined", WAIT, () -> PipelineKit.count(
                    "SELECT count(*) FROM quarantine WHERE device_id = ? AND stage = 'ingest'", deviceId) == 2);
        }
        Map<String, Object> row = PipelineKit.query("SELECT * FROM quarantine WHERE device_id = ? AND reason = ?",
                deviceId, "message_length").get(0);
        assertArrayEquals(payload, (byte[]) row.get("raw"));
        assertEquals("mqtt", row.get("source"));
        assertEquals(1_767_225_600_123L, ((Timestamp) row.get("received_at")).getTime());
        Map<String, Object> whole = PipelineKit.query("SELECT * FROM quarantine WHERE device_id = ? AND reason = ?",
                deviceId, "malformed_rejected_record").get(0);
        assertTrue(Arrays.equals(garbage, (byte[]) whole.get("raw")));
    }
}
