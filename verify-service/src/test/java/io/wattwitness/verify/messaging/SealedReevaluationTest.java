package io.wattwitness.verify.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wattwitness.kafka.KafkaBrokerTestResource;
import io.wattwitness.reading.DeviceSigner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A reading inserted before a stored one makes the stored one's register verdict be taken again; once the stored
 * reading is sealed into an anchoring batch it keeps the verdict it was sealed with, and the disagreement is counted
 * ({@code verify_reevaluations_kept_sealed_total}) and logged instead of passing unseen. Two devices with the same
 * sequence: boot 5, seq 0 (register 100 mWh) and seq 2 (300 mWh) stored, then seq 1 (500 mWh) arrives, so seq 2 now
 * lies below its predecessor. The unsealed device's seq 2 becomes {@code anomaly}/{@code register_decreased}; the
 * sealed device's stays {@code verified}.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerTestResource.class)
@WithTestResource(TestDatabaseResource.class)
class SealedReevaluationTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String STATUS = "SELECT status, verification_error FROM readings WHERE device_id = ? AND "
            + "boot = 5 AND seq = ?";

    @Test
    void aSealedReadingKeepsItsVerdictAndTheDisagreementIsCounted() throws Exception {
        DeviceSigner open = DeviceSigner.generate(PipelineKit.RANDOM);
        DeviceSigner sealed = DeviceSigner.generate(PipelineKit.RANDOM);
        PipelineKit.registerInstallation(open);
        PipelineKit.registerInstallation(sealed);
        String openId = open.publicKey().deviceIdHex();
        String sealedId = sealed.publicKey().deviceIdHex();
        long now = System.currentTimeMillis();
        double keptBefore = PipelineKit.metric("verify_reevaluations_kept_sealed_total");
        String raw = PipelineKit.topic("readings-raw");
        try (PipelineKit kit = new PipelineKit()) {
            for (DeviceSigner device : List.of(open, sealed)) {
                String id = device.publicKey().deviceIdHex();
                kit.send(List.of(
                        PipelineKit.record(raw, id, PipelineKit.envelope(device,
                                PipelineKit.message(device, 5, 0, now - 30_000, 1_000, 100, 1)), now),
                        PipelineKit.record(raw, id, PipelineKit.envelope(device,
                                PipelineKit.message(device, 5, 2, now - 10_000, 1_000, 300, 1)), now)));
            }
            PipelineKit.await("seq 0 and 2 of both devices stored", WAIT,
                    () -> PipelineKit.count("SELECT count(*) FROM readings WHERE device_id IN (?, ?)", openId,
                            sealedId) == 4);
            assertEquals(List.of(Map.of("status", "verified")), statusOf(sealedId, 2));
            // seal the second device's seq 2 (query-service's sealer sets batch_id)
            try (Connection db = PipelineKit.db(); PreparedStatement seal = db.prepareStatement(
                    "UPDATE readings SET batch_id = ? WHERE device_id = ? AND boot = 5 AND seq = 2")) {
                seal.setLong(1, 1_000_000_000L + PipelineKit.RANDOM.nextInt(1_000_000));
                seal.setString(2, sealedId);
                assertEquals(1, seal.executeUpdate());
            }
            for (DeviceSigner device : List.of(open, sealed)) {
                kit.send(List.of(PipelineKit.record(raw, device.publicKey().deviceIdHex(), PipelineKit.envelope(
                        device, PipelineKit.message(device, 5, 1, now - 20_000, 1_000, 500, 1)), now)));
            }
            PipelineKit.await("seq 1 of both devices stored", WAIT,
                    () -> PipelineKit.count("SELECT count(*) FROM readings WHERE device_id IN (?, ?)", openId,
                            sealedId) == 6);
        }
        assertEquals(List.of(Map.of("status", "anomaly", "verification_error", "register_decreased")),
                statusOf(openId, 2), "the unsealed reading takes the new verdict");
        assertEquals(List.of(Map.of("status", "verified")), statusOf(sealedId, 2),
                "the sealed reading keeps the verdict it was sealed with");
        PipelineKit.await("the kept verdict counted", WAIT,
                () -> PipelineKit.metric("verify_reevaluations_kept_sealed_total") >= keptBefore + 1);
        assertEquals(keptBefore + 1, PipelineKit.metric("verify_reevaluations_kept_sealed_total"));
    }

    private static List<Map<String, Object>> statusOf(String deviceId, long seq) {
        return PipelineKit.query(STATUS, deviceId, seq).stream().map(row -> {
            Map<String, Object> out = new HashMap<>();
            out.put("status", row.get("status"));
            if (row.get("verification_error") != null) {
                out.put("verification_error", row.get("verification_error"));
            }
            return out;
        }).toList();
    }
}
