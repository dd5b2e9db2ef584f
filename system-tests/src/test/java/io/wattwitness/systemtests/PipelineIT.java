package io.wattwitness.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattwitness.reading.DeviceKey;
import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.ReadingStatus;
import io.wattwitness.simulator.messaging.MqttTransport;
import io.wattwitness.simulator.service.Emission;
import io.wattwitness.simulator.service.Fault;
import io.wattwitness.simulator.service.Faults;
import io.wattwitness.simulator.service.SimulatedDevice;
import io.wattwitness.systemtests.support.Database;
import io.wattwitness.systemtests.support.ExpectedOutcomes;
import io.wattwitness.systemtests.support.ExpectedOutcomes.Identity;
import io.wattwitness.systemtests.support.ExpectedOutcomes.Outcome;
import io.wattwitness.systemtests.support.ExpectedOutcomes.Quarantined;
import io.wattwitness.systemtests.support.Fleet;
import io.wattwitness.systemtests.support.PipelineStack;
import io.wattwitness.systemtests.support.Poll;
import io.wattwitness.systemtests.support.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on this machine: simulated devices publish over the real Mosquitto, the packaged ingest-service
 * forwards to a real Kafka broker, the packaged verify-service stores in the real PostgreSQL. 10 registered
 * devices take 100 readings each (1,000 readings) with tampered, duplicated, conflicting, dropped, clock-skewed
 * and reordered ones, a reboot followed by a rollback, an unregistered device and six envelopes ingest must refuse.
 * {@link ExpectedOutcomes} works out from what was sent which rows must exist; the test then compares the
 * database row by row: readings (identity, message, status), conflicts, quarantine (stage, reason, device, boot,
 * seq, raw envelope hash), and checks that rows plus no-ops add up to the publications.
 */
class PipelineIT {

    private static final Logger LOG = Logger.getLogger(PipelineIT.class.getName());
    private static final int DEVICES = 10;
    private static final int READINGS = 100;
    private static final int UNKNOWN_READINGS = 5;
    private static final long SEED = 20_240_621L;
    private static final int ROLLBACK_DEVICE = 3;
    private static final int REORDERED_A = 5;
    private static final int REORDERED_B = 6;
    private static final int SKEW_WITHIN_LIMIT = 8;
    private static final int SKEW_BEYOND_LIMIT = 9;

    @TempDir
    Path state;

    @Test
    void everyPublicationEndsUpExactlyWhereTheRulesSay(TestReporter reporter) throws Exception {
        Settings settings = Settings.fromEnvironment();
        try (PipelineStack stack = PipelineStack.start(settings, "pipeline-it")) {
            Database database = new Database(settings);
            Instant now = Instant.now();
            Duration span = Fleet.INTERVAL.multipliedBy(READINGS);
            Faults base = Faults.NONE.withTamperRate(0.03).withDuplicateRate(0.04).withConflictRate(0.03)
                    .withDropRate(0.02);

            List<SimulatedDevice> devices = new ArrayList<>();
            Map<String, DeviceKey> keys = new HashMap<>();
            Map<String, Long> installationIds = new HashMap<>();
            for (int i = 0; i < DEVICES; i++) {
                Faults faults = base;
                Instant start = now.minus(span).minus(Duration.ofMinutes(2));
                if (i == ROLLBACK_DEVICE) {
                    faults = faults.withRebootEvery(40);
                } else if (i == SKEW_WITHIN_LIMIT) {
                    // readings up to ~3 minutes ahead of the backend's clock: within the 5-minute limit
                    faults = faults.withClockSkew(Duration.ofMinutes(2));
                    start = now.minus(span).plus(Duration.ofMinutes(1));
                } else if (i == SKEW_BEYOND_LIMIT) {
                    // every reading at least 10 minutes ahead: all clock_ahead
                    faults = faults.withClockSkew(Duration.ofMinutes(10));
                    start = now;
                }
                SimulatedDevice device = Fleet.device(state, i, start, faults, SEED);
                devices.add(device);
                keys.put(device.deviceIdHex(), device.key());
                installationIds.put(device.deviceIdHex(), database.register(device));
            }
            SimulatedDevice unknown = Fleet.device(state, DEVICES, now.minus(Duration.ofMinutes(5)), Faults.NONE, SEED);

            List<MqttTransport.Sent> log = Collections.synchronizedList(new ArrayList<>());
            Map<String, String> ingestReasons = new HashMap<>();
            Map<Integer, Fleet.Reorder> reorders = Map.of(REORDERED_A, new Fleet.Reorder(SEED + REORDERED_A, 0.15),
                    REORDERED_B, new Fleet.Reorder(SEED + REORDERED_B, 0.15));
            List<Emission> dropped = new ArrayList<>();
            Emission rollback;
            // publish-once: every envelope exactly once, in the order given (the model accounts for each one)
            try (MqttTransport mqtt = stack.deviceTransport().publishOnce(true).listener(log::add).build()) {
                List<SimulatedDevice> all = new ArrayList<>(devices);
                all.add(unknown);
                mqtt.open(all, resent -> { });
                for (int round = 0; round < READINGS; round++) {
                    for (SimulatedDevice device : devices) {
                        List<Emission> emissions = device.next();
                        emissions.stream().filter(e -> !e.sent()).forEach(dropped::add);
                        Fleet.Reorder reorder = reorders.get(device.index());
                        sendAll(mqtt, device, reorder == null ? emissions : reorder.next(emissions));
                    }
                    if (round < UNKNOWN_READINGS) {
                        sendAll(mqtt, unknown, unknown.next());
                    }
                }
                for (Map.Entry<Integer, Fleet.Reorder> reorder : reorders.entrySet()) {
                    sendAll(mqtt, devices.get(reorder.getKey()), reorder.getValue().rest());
                }
                SimulatedDevice rebooted = devices.get(ROLLBACK_DEVICE);
                assertEquals(3, rebooted.boot(), "device " + ROLLBACK_DEVICE + " rebooted twice (boots 1, 2, 3)");
                // boot 1 again, with a seq boot 1 never used: a cloned or reset device
                rollback = Fleet.signed(rebooted, 1, 500, Instant.now().minusSeconds(30));
                mqtt.send(rebooted, rollback);
                publishRefused(mqtt, devices.get(0), devices.get(1), stack.runId(), ingestReasons);
            }

            ExpectedOutcomes expected = new ExpectedOutcomes(keys);
            Map<Fault, Integer> faults = new TreeMap<>();
            for (MqttTransport.Sent sent : log) {
                if (sent.emission() == null) {
                    String reason = ingestReasons.get(ExpectedOutcomes.sha256(sent.payload()));
                    expected.rejectedAtIngest(sent.topicDeviceId(), reason, sent.payload());
                } else {
                    faults.merge(sent.emission().fault(), 1, Integer::sum);
                    expected.forwarded(sent.emission().envelope(), sent.payload(), sent.sentAtMs());
                }
            }

            // The run really contains every kind of fault (a vacuous model would prove nothing).
            int regular = devices.size() * READINGS;
            assertEquals(regular + UNKNOWN_READINGS + 1 - dropped.size(), faults.getOrDefault(Fault.NONE, 0)
                    + faults.getOrDefault(Fault.TAMPERED, 0), "one envelope per reading taken and not dropped");
            assertTrue(faults.getOrDefault(Fault.TAMPERED, 0) >= 10, "tampered: " + faults);
            assertTrue(faults.getOrDefault(Fault.DUPLICATE, 0) >= 10, "duplicates: " + faults);
            assertTrue(faults.getOrDefault(Fault.CONFLICT, 0) >= 10, "conflicts: " + faults);
            assertTrue(dropped.size() >= 5, "dropped: " + dropped.size());
            assertTrue(reorders.get(REORDERED_A).reordered() + reorders.get(REORDERED_B).reordered() >= 5,
                    "reordered readings");
            assertTrue(sentOutOfOrder(log, devices.get(REORDERED_A).deviceIdHex()), "seq order broken on the wire");
            assertEquals(Set.of("bad_signature", "clock_ahead", "unknown_device", "rollback", "payload_too_large",
                    "malformed_json", "missing_member", "message_length", "signature_length", "topic_mismatch"),
                    expected.quarantinedByReason().keySet(), "quarantine reasons this run must produce");
            String skewed = devices.get(SKEW_BEYOND_LIMIT).deviceIdHex();
            long validlySignedFromSkewed = log.stream().filter(sent -> sent.emission() != null
                    && sent.topicDeviceId().equals(skewed)
                    && (sent.emission().fault() == Fault.NONE || sent.emission().fault() == Fault.CONFLICT)).count();
            assertEquals(validlySignedFromSkewed, countReason(expected, "clock_ahead"),
                    "every validly signed envelope of the device 10 minutes ahead is quarantined as clock_ahead");
            assertTrue(expected.readings().keySet().stream().noneMatch(id -> id.deviceId().equals(skewed)));
            String aheadWithinLimit = devices.get(SKEW_WITHIN_LIMIT).deviceIdHex();
            assertTrue(expected.readings().keySet().stream().filter(id -> id.deviceId().equals(aheadWithinLimit))
                    .count() >= READINGS / 2, "readings up to 3 minutes ahead are accepted");
            Quarantined rolledBack = new Quarantined("verify", "rollback", rollback.deviceIdHex(), 1L, 500L,
                    ExpectedOutcomes.sha256(ExpectedOutcomes.utf8(rollback.envelope().toJson())));
            assertTrue(expected.quarantine().contains(rolledBack), "the boot-1 reading after boot 3 is a rollback");
            assertEquals(UNKNOWN_READINGS, (int) expected.quarantinedByReason().get("unknown_device"));
            assertEquals(1, (int) expected.quarantinedByReason().get("rollback"));

            Set<String> ids = new TreeSet<>(keys.keySet());
            ids.add(unknown.deviceIdHex());
            long wantReadings = expected.readings().size();
            long wantConflicts = expected.conflictRows().size();
            long wantQuarantined = expected.quarantine().size();
            LOG.info(() -> "sent " + log.size() + " envelopes; expecting " + wantReadings + " readings, "
                    + wantConflicts + " conflicts, " + wantQuarantined + " quarantined");
            Instant waitStart = Instant.now();
            Database.Counts counts = Poll.until(Duration.ofMinutes(3), Duration.ofSeconds(1),
                    () -> database.counts(ids), c -> c.readings() >= wantReadings && c.conflicts() >= wantConflicts
                            && c.quarantined() >= wantQuarantined);
            LOG.info("database reached " + counts + " after " + Duration.between(waitStart, Instant.now()));
            // let anything unexpected that is still in flight arrive before comparing row by row
            Poll.pause(Duration.ofSeconds(3));

            Map<Identity, ExpectedOutcomes.Reading> storedReadings = new HashMap<>();
            List<Database.ReadingRow> readingRows = database.readings(ids);
            for (Database.ReadingRow row : readingRows) {
                storedReadings.put(new Identity(row.deviceId(), row.boot(), row.seq()),
                        new ExpectedOutcomes.Reading(row.messageHex(), row.status(), row.verificationError()));
                assertEquals(installationIds.get(row.deviceId()), row.installationId(),
                        "reading " + row + " belongs to its device's installation");
            }
            assertEquals(readingRows.size(), storedReadings.size(), "one reading row per identity");
            assertEquals(expected.readings(), storedReadings,
                    () -> "readings: identity -> (message, status, error) " + differences(expected.readings(),
                            storedReadings));

            Set<Map.Entry<Identity, String>> storedConflicts = new HashSet<>();
            for (Database.ConflictRow row : database.conflicts(ids)) {
                storedConflicts.add(Map.entry(new Identity(row.deviceId(), row.boot(), row.seq()), row.messageHex()));
            }
            assertEquals(expected.conflictRows(), storedConflicts, "reading_conflicts");

            Map<Quarantined, Integer> storedQuarantine = new LinkedHashMap<>();
            for (Database.QuarantineRow row : database.quarantine(ids)) {
                storedQuarantine.merge(new Quarantined(row.stage(), row.reason(), row.deviceId(), row.boot(),
                        row.seq(), row.rawSha256()), 1, Integer::sum);
            }
            Map<Quarantined, Integer> wantQuarantine = new LinkedHashMap<>();
            expected.quarantine().forEach(q -> wantQuarantine.merge(q, 1, Integer::sum));
            assertEquals(wantQuarantine.keySet(), storedQuarantine.keySet(), () -> "quarantine (stage, reason, device,"
                    + " boot, seq, raw hash) " + differences(wantQuarantine, storedQuarantine));

            for (Emission gap : dropped) {
                Identity identity = new Identity(gap.deviceIdHex(), gap.boot(), gap.seq());
                assertTrue(!storedReadings.containsKey(identity), "dropped reading " + identity + " was never sent");
            }

            assertEquals(Map.of(), storedMoreThanOnce(storedQuarantine),
                    "an identical envelope sent again must not be quarantined again (duplicates are no-ops)");
            long rows = readingRows.size() + storedConflicts.size() + storedQuarantine.size();
            assertEquals(log.size(), rows + expected.count(Outcome.NO_OP),
                    "publications = readings + conflicts + quarantine rows + no-op resends");
            double duplicates = stack.verify().metric("verify_readings_total{outcome=\"duplicate\"}");
            // at least: ingest delivers at least once, so a reconnection may hand verify-service a few more copies
            assertTrue(duplicates >= expected.readingNoOps(), () -> "verify-service counted " + duplicates
                    + " duplicate no-ops, the devices resent " + expected.readingNoOps());

            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("published", log.size());
            summary.put("faults", faults);
            summary.put("dropped", dropped.size());
            summary.put("readings", readingRows.size());
            long disputed = readingRows.stream().filter(r -> r.status() == ReadingStatus.DISPUTED).count();
            summary.put("disputed", disputed);
            summary.put("conflicts", storedConflicts.size());
            summary.put("quarantined", expected.quarantinedByReason());
            summary.put("no-ops", expected.count(Outcome.NO_OP));
            summary.put("verify duplicates", (long) duplicates);
            reporter.publishEntry("pipeline", summary.toString());
            LOG.info(() -> "end-to-end run " + stack.runId() + ": " + summary);
            assertTrue(disputed > 0, "some readings are disputed");
        }
    }

    /**
     * Quarantine rows stored more than once: an identical resend must be a no-op (SPEC.md §3.3). (verify-service's
     * migration V20 keys quarantine rows by receive time, so every resend or redelivery of a refused envelope gets a
     * new row; keying them by (stage, reason, device, raw envelope) would keep both its concern and this rule.)
     */
    static Map<ExpectedOutcomes.Quarantined, Integer> storedMoreThanOnce(
            Map<ExpectedOutcomes.Quarantined, Integer> stored) {
        Map<ExpectedOutcomes.Quarantined, Integer> out = new LinkedHashMap<>();
        stored.forEach((row, count) -> {
            if (count > 1) {
                out.put(row, count);
            }
        });
        return out;
    }

    private static void sendAll(MqttTransport mqtt, SimulatedDevice device, List<Emission> emissions) {
        for (Emission emission : emissions) {
            if (emission.sent()) {
                mqtt.send(device, emission);
            }
        }
    }

    /**
     * Publishes on device {@code target}'s topic six envelopes ingest must refuse, one per reason, each unique to
     * the run (a quarantine row is unique per raw envelope and reason, also across runs).
     */
    private static void publishRefused(MqttTransport mqtt, SimulatedDevice target, SimulatedDevice other,
            String runId, Map<String, String> reasons) {
        Map<String, String> payloads = new LinkedHashMap<>();
        payloads.put("payload_too_large", "{\"message\":\"" + "ab".repeat(2_600) + "\",\"run\":\"" + runId + "\"}");
        payloads.put("malformed_json", "{\"message\":\"run-" + runId + "\"");
        payloads.put("missing_member", "{\"message\":\"run-" + runId + "\"}");
        payloads.put("message_length", "{\"message\":\"" + runId + "\",\"signature\":\"" + "00".repeat(64) + "\"}");
        Envelope own = Fleet.signed(target, 1, 7_000, Instant.now()).envelope();
        payloads.put("signature_length", "{\"message\":\"" + own.messageHex() + "\",\"signature\":\"abcd\"}");
        payloads.put("topic_mismatch", Fleet.signed(other, 1, 7_000, Instant.now()).envelope().toJson());
        for (Map.Entry<String, String> payload : payloads.entrySet()) {
            byte[] bytes = ExpectedOutcomes.utf8(payload.getValue());
            reasons.put(ExpectedOutcomes.sha256(bytes), payload.getKey());
            mqtt.publishRaw(target, bytes);
        }
    }

    private static boolean sentOutOfOrder(List<MqttTransport.Sent> log, String deviceId) {
        long previous = -1;
        for (MqttTransport.Sent sent : log) {
            if (sent.emission() != null && sent.topicDeviceId().equals(deviceId)) {
                if (sent.emission().seq() < previous) {
                    return true;
                }
                previous = sent.emission().seq();
            }
        }
        return false;
    }

    /** @return up to 20 entries that differ between two maps, for assertion messages */
    private static <K, V> String differences(Map<K, V> expected, Map<K, V> actual) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<K, V> entry : expected.entrySet()) {
            V found = actual.get(entry.getKey());
            if (!entry.getValue().equals(found)) {
                out.add(entry.getKey() + ": expected " + entry.getValue() + ", found " + found);
            }
        }
        for (Map.Entry<K, V> entry : actual.entrySet()) {
            if (!expected.containsKey(entry.getKey())) {
                out.add(entry.getKey() + ": unexpected " + entry.getValue());
            }
        }
        return out.size() + " differences, first: " + out.subList(0, Math.min(20, out.size()));
    }

    private static long countReason(ExpectedOutcomes expected, String reason) {
        return expected.quarantinedByReason().getOrDefault(reason, 0);
    }

}
