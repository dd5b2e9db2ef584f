package io.wattwitness.verify.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wattwitness.kafka.KafkaBrokerTestResource;
import io.wattwitness.reading.DeviceSigner;
import io.wattwitness.reading.Hex;
import io.wattwitness.reading.ReadingMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * devices.acks (reading-format SPEC.md §6.1) from the running service: acks name exactly the readings verified
 * under the device's key and committed (stored) or quarantined by a rule (refused); forged and badly signed
 * records name nothing.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerTestResource.class)
@WithTestResource(TestDatabaseResource.class)
class AckPipelineTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long MAX_BOOT = 0xFFFF_FFFFL;

    private static String raw() {
        return PipelineKit.topic("readings-raw");
    }

    private static boolean anyNames(List<PipelineKit.DeviceAckRecord> acks, String list, long boot, long seq) {
        return acks.stream().anyMatch(ack -> ack.boot() == boot && ack.names(list, seq));
    }

    @Test
    void validReadingsAreAckedStoredAndAResendIsAckedAgain() throws Exception {
        DeviceSigner device = DeviceSigner.generate(PipelineKit.RANDOM);
        PipelineKit.registerInstallation(device);
        String id = device.publicKey().deviceIdHex();
        long now = System.currentTimeMillis();
        double published = PipelineKit.metric("verify_acks_published_total");
        double resends = PipelineKit.metric("verify_resends_total");
        byte[] seq1 = PipelineKit.envelope(device, PipelineKit.message(device, 7, 1, now - 50_000, 1, 20, 1));
        try (PipelineKit kit = new PipelineKit()) {
            kit.send(List.of(
                    PipelineKit.record(raw(), id, PipelineKit.envelope(device,
                            PipelineKit.message(device, 7, 0, now - 60_000, 1, 10, 1)), now),
                    PipelineKit.record(raw(), id, seq1, now),
                    PipelineKit.record(raw(), id, PipelineKit.envelope(device,
                            PipelineKit.message(device, 7, 3, now - 30_000, 1, 40, 1)), now)));
            List<PipelineKit.DeviceAckRecord> acks = PipelineKit.acks(List.of(id),
                    seen -> anyNames(seen, "stored", 7, 0) && anyNames(seen, "stored", 7, 1)
                            && anyNames(seen, "stored", 7, 3), WAIT);
            assertTrue(anyNames(acks, "stored", 7, 3), "acks: " + acks);
            assertTrue(acks.stream().noneMatch(ack -> ack.names("stored", 2) || ack.names("refused", 2)),
                    "seq 2 was never sent: " + acks);
            assertTrue(acks.stream().allMatch(ack -> ack.ack().get("refused").isEmpty()), "acks: " + acks);

            // the device resends seq 1 (its ack was lost): named stored again, nothing new stored
            kit.send(List.of(PipelineKit.record(raw(), id, seq1, now + 30_000)));
            List<PipelineKit.DeviceAckRecord> again = PipelineKit.acks(List.of(id),
                    seen -> seen.stream().filter(ack -> ack.names("stored", 1)).count() == 2, WAIT);
            assertEquals(2, again.stream().filter(ack -> ack.names("stored", 1)).count(), "acks: " + again);
            assertEquals("{\"boot\":7,\"stored\":[[1,1]],\"refused\":[]}", again.get(again.size() - 1).json());
        }
        assertEquals(3, PipelineKit.count("SELECT count(*) FROM readings WHERE device_id = ?", id));
        assertTrue(PipelineKit.metric("verify_acks_published_total") >= published + 2);
        assertTrue(PipelineKit.metric("verify_resends_total") >= resends + 1);
    }

    @Test
    void forgedAndBadlySignedRecordsProduceNoAckAndTheRealReadingsAreAcked() throws Exception {
        DeviceSigner device = DeviceSigner.generate(PipelineKit.RANDOM);
        DeviceSigner stranger = DeviceSigner.generate(PipelineKit.RANDOM);
        PipelineKit.registerInstallation(device);
        String id = device.publicKey().deviceIdHex();
        long now = System.currentTimeMillis();
        // unsigned: boot 0xFFFFFFFF, seq 0, all-zero signature
        byte[] forged = PipelineKit.message(device, MAX_BOOT, 0, now - 1_000, 1, 1, 1).encode();
        byte[] unsigned = ("{\"message\":\"" + Hex.encode(forged) + "\",\"signature\":\"" + "0".repeat(128) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        // badly signed: a well-formed signature by another key
        ReadingMessage second = PipelineKit.message(device, MAX_BOOT, 1, now - 1_000, 1, 1, 1);
        byte[] badlySigned = ("{\"message\":\"" + Hex.encode(second.encode()) + "\",\"signature\":\""
                + Hex.encode(stranger.sign(second.encode())) + "\"}").getBytes(StandardCharsets.UTF_8);
        try (PipelineKit kit = new PipelineKit()) {
            // same key, same partition: the real readings are processed after the forged ones
            kit.send(List.of(PipelineKit.record(raw(), id, unsigned, now),
                    PipelineKit.record(raw(), id, badlySigned, now),
                    PipelineKit.record(raw(), id, PipelineKit.envelope(device,
                            PipelineKit.message(device, 2, 0, now - 2_000, 1, 5, 1)), now),
                    PipelineKit.record(raw(), id, PipelineKit.envelope(device,
                            PipelineKit.message(device, 2, 1, now - 1_000, 1, 6, 1)), now)));
            List<PipelineKit.DeviceAckRecord> acks = PipelineKit.acks(List.of(id),
                    seen -> anyNames(seen, "stored", 2, 0) && anyNames(seen, "stored", 2, 1), WAIT);
            assertTrue(anyNames(acks, "stored", 2, 1), "acks: " + acks);
            assertTrue(acks.stream().allMatch(ack -> ack.boot() == 2), "only boot 2 is acknowledged: " + acks);
        }
        assertEquals(2, PipelineKit.count("SELECT count(*) FROM quarantine WHERE device_id = ? AND boot = ?", id,
                MAX_BOOT));
        assertEquals(List.of("bad_signature", "signature_range"), PipelineKit.query("SELECT reason FROM quarantine"
                + " WHERE device_id = ? AND boot = ? ORDER BY reason", id, MAX_BOOT).stream()
                .map(row -> (String) row.get("reason")).toList());
    }

    @Test
    void aValidlySignedReadingQuarantinedByARuleIsAckedRefused() throws Exception {
        DeviceSigner device = DeviceSigner.generate(PipelineKit.RANDOM);
        PipelineKit.registerInstallation(device);
        String id = device.publicKey().deviceIdHex();
        long now = System.currentTimeMillis();
        double refused = PipelineKit.metric("verify_ack_readings_total", "named=\"refused\"");
        try (PipelineKit kit = new PipelineKit()) {
            kit.send(List.of(
                    PipelineKit.record(raw(), id, PipelineKit.envelope(device,
                            PipelineKit.message(device, 3, 0, now - 1_000, 1, 5, 1)), now),
                    // ten minutes ahead of its receive time
                    PipelineKit.record(raw(), id, PipelineKit.envelope(device,
                            PipelineKit.message(device, 3, 1, now + 600_000, 1, 6, 1)), now)));
            List<PipelineKit.DeviceAckRecord> acks = PipelineKit.acks(List.of(id),
                    seen -> anyNames(seen, "stored", 3, 0) && anyNames(seen, "refused", 3, 1), WAIT);
            assertTrue(anyNames(acks, "refused", 3, 1), "acks: " + acks);
            assertTrue(acks.stream().noneMatch(ack -> ack.names("stored", 1)), "acks: " + acks);
        }
        assertEquals(1, PipelineKit.count("SELECT count(*) FROM quarantine WHERE device_id = ? AND seq = 1"
                + " AND reason = 'clock_ahead'", id));
        assertTrue(PipelineKit.metric("verify_ack_readings_total", "named=\"refused\"") >= refused + 1);
    }
}
