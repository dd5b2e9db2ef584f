package io.wattwitness.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattwitness.reading.DeviceKey;
import io.wattwitness.reading.ReadingStatus;
import io.wattwitness.simulator.messaging.MqttTransport;
import io.wattwitness.simulator.service.Emission;
import io.wattwitness.simulator.service.Fault;
import io.wattwitness.simulator.service.Faults;
import io.wattwitness.simulator.service.SimulatedDevice;
import io.wattwitness.systemtests.support.Database;
import io.wattwitness.systemtests.support.ExpectedOutcomes;
import io.wattwitness.systemtests.support.ExpectedOutcomes.Identity;
import io.wattwitness.systemtests.support.Fleet;
import io.wattwitness.systemtests.support.PipelineStack;
import io.wattwitness.systemtests.support.Poll;
import io.wattwitness.systemtests.support.ServiceProcess;
import io.wattwitness.systemtests.support.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash tests of the packaged services: while devices stream, verify-service (then, separately, ingest-service)
 * is killed with SIGKILL and started again (ingest with the same MQTT client id, so its persistent session
 * delivers what was published meanwhile). Devices follow SPEC.md §6.2 (the simulator's MQTT transport: outbox,
 * window, resend after the ack timeout and after reconnecting); a tampered first transmission is repaired by the
 * resend of the genuine envelope. Afterwards every reading must be stored exactly once: one row per identity, no
 * identity missing, every outbox empty, and each tampered envelope quarantined exactly once.
 */
class PipelineCrashIT {

    private static final Logger LOG = Logger.getLogger(PipelineCrashIT.class.getName());
    private static final int DEVICES = 5;
    private static final int READINGS = 400;
    /** Pace of the stream: a round of readings (one per device) every this long. */
    private static final Duration ROUND_PAUSE = Duration.ofMillis(50);
    /** Kill once this share of the rounds is sent (or earlier, once the database holds some of this run). */
    private static final double KILL_AT = 0.3;
    /** Ack timeout T of the devices (SPEC.md §6.2), and the bound of its back-off. */
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration ACK_TIMEOUT_MAX = Duration.ofSeconds(40);

    private static PipelineStack stack;
    private static Settings settings;

    @TempDir
    Path state;

    @BeforeAll
    static void startPipeline() throws Exception {
        settings = Settings.fromEnvironment();
        stack = PipelineStack.start(settings, "crash-it");
    }

    @AfterAll
    static void stopPipeline() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void verifyServiceKilledMidStreamLosesAndDuplicatesNothing(TestReporter reporter) throws Exception {
        streamKillRestartAndCheck(stack.verify(), 11, reporter);
    }

    @Test
    void ingestServiceKilledMidStreamLosesAndDuplicatesNothing(TestReporter reporter) throws Exception {
        streamKillRestartAndCheck(stack.ingest(), 12, reporter);
    }

    private void streamKillRestartAndCheck(ServiceProcess victim, long seed, TestReporter reporter) throws Exception {
        Database database = new Database(settings);
        Instant start = Instant.now().minus(Fleet.INTERVAL.multipliedBy(READINGS)).minus(Duration.ofMinutes(2));
        List<SimulatedDevice> devices = new ArrayList<>();
        Map<String, DeviceKey> keys = new HashMap<>();
        for (int i = 0; i < DEVICES; i++) {
            SimulatedDevice device = Fleet.device(Files.createDirectories(state.resolve("fleet")), i, start,
                    Faults.NONE.withTamperRate(0.02), seed);
            devices.add(device);
            keys.put(device.deviceIdHex(), device.key());
            database.register(device);
        }
        List<MqttTransport.Sent> log = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger rounds = new AtomicInteger();
        AtomicBoolean streaming = new AtomicBoolean(true);
        AtomicInteger resent = new AtomicInteger();
        try (MqttTransport mqtt = stack.deviceTransport().ackTimeout(ACK_TIMEOUT, ACK_TIMEOUT_MAX).listener(log::add)
                .build()) {
            mqtt.open(devices, emission -> resent.incrementAndGet());
            Thread stream = new Thread(() -> {
                try {
                    for (int round = 0; round < READINGS; round++) {
                        for (SimulatedDevice device : devices) {
                            for (Emission emission : device.next()) {
                                mqtt.send(device, emission);
                            }
                        }
                        mqtt.flush();
                        rounds.incrementAndGet();
                        Poll.pause(ROUND_PAUSE);
                    }
                } finally {
                    streaming.set(false);
                }
            }, "device-stream");
            stream.start();

            Poll.until(Duration.ofMinutes(3), Duration.ofMillis(100), () -> rounds.get(),
                    r -> r >= READINGS * KILL_AT || !streaming.get());
            int roundsAtKill = rounds.get();
            assertTrue(streaming.get() && roundsAtKill < READINGS, "the kill happens while the devices stream");
            long storedAtKill = database.counts(keys.keySet()).readings();
            victim.kill();
            Poll.pause(Duration.ofSeconds(2));
            int roundsWhileDown = rounds.get() - roundsAtKill;
            victim.restart();
            victim.awaitReady(PipelineStack.READY_TIMEOUT);
            int roundsAtRestart = rounds.get();
            LOG.info(() -> "killed " + victim.logFile().getFileName() + " after " + roundsAtKill + " of " + READINGS
                    + " rounds (" + storedAtKill + " readings stored), ready again at round " + roundsAtRestart);
            stream.join(Duration.ofMinutes(10).toMillis());
            assertTrue(!stream.isAlive(), "stream finished");
            assertTrue(roundsWhileDown > 0 || roundsAtRestart > roundsAtKill,
                    "devices published while the service was down or restarting");

            boolean drained = mqtt.awaitEmpty(Duration.ofMinutes(4));
            assertTrue(drained, () -> "every reading acknowledged; still in the outboxes: " + mqtt.outboxSizes()
                    + ", counters " + mqtt.counters());
        }

        ExpectedOutcomes expected = new ExpectedOutcomes(keys);
        int tampered = 0;
        for (MqttTransport.Sent sent : log) {
            expected.forwarded(sent.emission().envelope(), sent.payload(), sent.sentAtMs());
            if (!sent.resend() && sent.emission().fault() == Fault.TAMPERED) {
                tampered++;
            }
        }
        assertTrue(tampered > 0, "some envelopes were tampered");
        assertEquals(DEVICES * READINGS, expected.readings().size(),
                "valid identities sent (a tampered first transmission is followed by the genuine envelope)");
        assertEquals(tampered, expected.quarantine().size(), "tampered identities sent");

        long wantReadings = expected.readings().size();
        long wantQuarantined = expected.quarantine().size();
        Database.Counts counts = Poll.until(Duration.ofMinutes(4), Duration.ofSeconds(1),
                () -> database.counts(keys.keySet()),
                c -> c.readings() >= wantReadings && c.quarantined() >= wantQuarantined);
        LOG.info("database reached " + counts);
        Poll.pause(Duration.ofSeconds(3));

        List<Database.ReadingRow> rows = database.readings(keys.keySet());
        Set<Identity> stored = new HashSet<>();
        for (Database.ReadingRow row : rows) {
            assertTrue(stored.add(new Identity(row.deviceId(), row.boot(), row.seq())), "stored twice: " + row);
            assertEquals(ReadingStatus.VERIFIED, row.status(), "status of " + row);
            assertEquals(expected.readings().get(new Identity(row.deviceId(), row.boot(), row.seq())).messageHex(),
                    row.messageHex(), "message of " + row);
        }
        Set<Identity> missing = new HashSet<>(expected.readings().keySet());
        missing.removeAll(stored);
        assertEquals(Set.of(), missing, "readings sent but not stored");
        assertEquals(expected.readings().keySet(), stored, "stored identities = sent valid identities");
        for (int device = 0; device < DEVICES; device++) {
            String id = devices.get(device).deviceIdHex();
            long seqs = stored.stream().filter(i -> i.deviceId().equals(id)).count();
            assertEquals(READINGS, seqs, "no gap in seq 0.." + (READINGS - 1) + " of device " + id);
        }

        Map<ExpectedOutcomes.Quarantined, Integer> quarantined = new HashMap<>();
        for (Database.QuarantineRow row : database.quarantine(keys.keySet())) {
            quarantined.merge(new ExpectedOutcomes.Quarantined(row.stage(), row.reason(), row.deviceId(), row.boot(),
                    row.seq(), row.rawSha256()), 1, Integer::sum);
        }
        Map<ExpectedOutcomes.Quarantined, Integer> wantQuarantine = new HashMap<>();
        expected.quarantine().forEach(q -> wantQuarantine.merge(q, 1, Integer::sum));
        assertEquals(wantQuarantine.keySet(), quarantined.keySet(), "every tampered envelope quarantined as"
                + " bad_signature, nothing else");
        assertEquals(Map.of(), PipelineIT.storedMoreThanOnce(quarantined),
                "no tampered envelope quarantined twice although devices resent and MQTT redelivered");
        assertEquals(wantQuarantine, quarantined, "each tampered envelope quarantined once");

        String summary = "killed " + victim.logFile().getFileName() + ": " + log.size() + " publications ("
                + resent.get() + " resends), " + rows.size() + " readings, " + quarantined.size() + " quarantined, "
                + (long) stack.verify().metric("verify_readings_total{outcome=\"duplicate\"}")
                + " duplicates dropped by verify-service since its last start";
        reporter.publishEntry("crash", summary);
        LOG.info(summary);
    }
}
