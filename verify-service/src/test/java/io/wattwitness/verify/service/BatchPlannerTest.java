package io.wattwitness.verify.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.wattwitness.reading.DeviceSigner;
import io.wattwitness.reading.ReadingFlags;
import io.wattwitness.reading.ReadingMessage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchPlannerTest {

    private final DeviceSigner device = TestReadings.newDevice();
    private final String deviceId = device.publicKey().deviceIdHex();

    private BatchPlanner planner(Map<String, Long> highest, StoredReading... known) {
        return new BatchPlanner(ReadingRules.defaults(), highest, List.of(known));
    }

    private StoredReading stored(long id, Checked.Accepted reading) {
        ReadingMessage message = reading.message();
        return new StoredReading(id, deviceId, message.boot(), message.seq(), message.energyMwh(), message.flags(),
                reading.reading().message());
    }

    private static PendingReading storedAs(Decision decision, String status, String error) {
        PendingReading pending = assertInstanceOf(Decision.Store.class, decision).reading();
        assertEquals(status, pending.status());
        assertEquals(error, pending.verificationError());
        return pending;
    }

    private static String quarantineReason(Decision decision) {
        return assertInstanceOf(Decision.Quarantine.class, decision).rejected().reason();
    }

    @Test
    void cleanReadingsAreStoredAsVerifiedAndRaiseTheHighestBoot() {
        BatchPlanner planner = planner(Map.of());
        storedAs(planner.plan(TestReadings.accepted(device, 3, 0, 100, ReadingFlags.FIRST_AFTER_BOOT)), "verified", null);
        storedAs(planner.plan(TestReadings.accepted(device, 3, 1, 200, 1)), "verified", null);
        assertEquals(Map.of(deviceId, 3L), planner.highestBoots());
        assertEquals(2, planner.decisions().size());
    }

    @Test
    void identicalResendIsADuplicateWithinTheBatchAndAgainstStoredRows() {
        Checked.Accepted first = TestReadings.accepted(device, 1, 5, 500, 1);
        BatchPlanner fresh = planner(Map.of());
        fresh.plan(first);
        assertInstanceOf(Decision.Duplicate.class, fresh.plan(first));

        BatchPlanner later = planner(Map.of(deviceId, 1L), stored(17, first));
        assertInstanceOf(Decision.Duplicate.class, later.plan(first));
    }

    @Test
    void aDifferentMessageForAStoredIdentityIsAnEquivocation() {
        Checked.Accepted original = TestReadings.accepted(device, 1, 5, 500, 1);
        Checked.Accepted other = TestReadings.accepted(device, 1, 5, 501, 1);
        BatchPlanner planner = planner(Map.of(deviceId, 1L), stored(17, original));
        Decision.Conflict conflict = assertInstanceOf(Decision.Conflict.class, planner.plan(other));
        assertEquals(17, conflict.readingId());
        assertNull(conflict.pending());
        // the same conflicting message again is a duplicate, a third one another conflict
        assertInstanceOf(Decision.Duplicate.class, planner.plan(other));
        assertInstanceOf(Decision.Conflict.class, planner.plan(TestReadings.accepted(device, 1, 5, 502, 1)));
    }

    @Test
    void anEquivocationInsideTheBatchDisputesTheReadingBeforeItIsInserted() {
        Checked.Accepted original = TestReadings.accepted(device, 1, 5, 500, 1);
        BatchPlanner planner = planner(Map.of());
        PendingReading pending = storedAs(planner.plan(original), "verified", null);
        Decision.Conflict conflict = assertInstanceOf(Decision.Conflict.class,
                planner.plan(TestReadings.accepted(device, 1, 5, 777, 1)));
        assertSame(pending, conflict.pending());
        assertEquals("disputed", pending.status());
        assertEquals("equivocation", pending.verificationError());
        pending.assignId(99);
        assertEquals(99, conflict.readingId());
    }

    @Test
    void aLowerBootThanTheHighestStoredIsARollback() {
        BatchPlanner planner = planner(Map.of(deviceId, 4L));
        assertEquals("rollback", quarantineReason(planner.plan(TestReadings.accepted(device, 3, 0, 100, 0))));
        storedAs(planner.plan(TestReadings.accepted(device, 4, 0, 100, 0)), "verified", null);
        storedAs(planner.plan(TestReadings.accepted(device, 5, 0, 100, 0)), "verified", null);
        // the batch's own readings raise the bar for later records
        assertEquals("rollback", quarantineReason(planner.plan(TestReadings.accepted(device, 4, 1, 150, 0))));
    }

    @Test
    void aResentReadingOfAnOlderBootIsStillADuplicateNotARollback() {
        Checked.Accepted old = TestReadings.accepted(device, 2, 9, 900, 0);
        BatchPlanner planner = planner(Map.of(deviceId, 3L), stored(5, old));
        assertInstanceOf(Decision.Duplicate.class, planner.plan(old));
    }

    @Test
    void timeRulesQuarantineWithTheirReason() {
        BatchPlanner planner = planner(Map.of());
        long received = TestReadings.T0;
        assertEquals("clock_ahead", quarantineReason(planner.plan(acceptedReceived(1, 0, received + 300_001, received))));
        assertEquals("too_old", quarantineReason(planner.plan(acceptedReceived(1, 1, received - 72 * 3_600_000L - 1,
                received))));
        assertEquals("before_2024", quarantineReason(planner.plan(acceptedReceived(1, 2, 1_704_067_199_999L,
                1_704_067_200_000L))));
        storedAs(planner.plan(acceptedReceived(1, 3, received + 300_000, received)), "verified", null);
    }

    private Checked.Accepted acceptedReceived(long boot, long seq, long timestampMs, long receivedAtMs) {
        ReadingMessage message = TestReadings.message(device, boot, seq, timestampMs, 100, 1);
        RawEnvelope raw = TestReadings.raw(deviceId, TestReadings.envelope(device, message), receivedAtMs);
        return assertInstanceOf(Checked.Accepted.class,
                ReadingChecker.verify(ReadingChecker.parse(raw), TestReadings.registry(7, device)));
    }

    @Test
    void registerDecreaseAgainstThePreviousSeqIsAnAnomaly() {
        Checked.Accepted previous = TestReadings.accepted(device, 1, 10, 5_000, 1);
        BatchPlanner planner = planner(Map.of(deviceId, 1L), stored(30, previous));
        storedAs(planner.plan(TestReadings.accepted(device, 1, 11, 4_999, 1)), "anomaly", "register_decreased");
        // a restart flag allows it
        storedAs(planner.plan(TestReadings.accepted(device, 1, 12, 10, ReadingFlags.REGISTER_RESTARTED)), "verified",
                null);
        // a new boot starts a new comparison
        storedAs(planner.plan(TestReadings.accepted(device, 2, 0, 1, ReadingFlags.FIRST_AFTER_BOOT)), "verified", null);
    }

    @Test
    void reorderedReadingsCompareWithTheirNeighboursBySeq() {
        BatchPlanner planner = planner(Map.of());
        storedAs(planner.plan(TestReadings.accepted(device, 1, 4, 1_000, 1)), "verified", null);
        storedAs(planner.plan(TestReadings.accepted(device, 1, 6, 1_200, 1)), "verified", null);
        // seq 5 arrives late, between its neighbours: clean
        storedAs(planner.plan(TestReadings.accepted(device, 1, 5, 1_100, 1)), "verified", null);
        // seq 3 arrives late with a register above seq 4's: flagged on the late reading
        storedAs(planner.plan(TestReadings.accepted(device, 1, 3, 1_050, 1)), "anomaly", "register_exceeds_next");
        // seq 7 compares with seq 6 (the previous by seq), not with the last arrival
        storedAs(planner.plan(TestReadings.accepted(device, 1, 7, 1_150, 1)), "anomaly", "register_decreased");
    }

    @Test
    void rejectionsKeepTheirPlaceInTheBatch() {
        BatchPlanner planner = planner(Map.of());
        RawEnvelope raw = TestReadings.raw(deviceId, "{", TestReadings.T0);
        Checked.Rejected rejected = assertInstanceOf(Checked.Rejected.class, ReadingChecker.parse(raw));
        planner.plan(TestReadings.accepted(device, 1, 0, 1, 0));
        planner.reject(rejected);
        planner.plan(TestReadings.accepted(device, 1, 1, 2, 0));
        assertEquals(3, planner.decisions().size());
        assertSame(rejected, assertInstanceOf(Decision.Quarantine.class, planner.decisions().get(1)).rejected());
    }
}
