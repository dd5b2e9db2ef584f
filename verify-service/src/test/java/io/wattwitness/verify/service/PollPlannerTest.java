package io.wattwitness.verify.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.wattwitness.reading.DeviceSigner;
import io.wattwitness.reading.ReadingFlags;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.verify.repository.StoredReading;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PollPlannerTest {

    private final DeviceSigner device = TestReadings.newDevice();
    private final String deviceId = device.publicKey().deviceIdHex();

    private PollPlanner planner(Map<String, Long> ignored, StoredReading... known) {
        return new PollPlanner(ReadingRules.defaults(), List.of(known));
    }

    private StoredReading stored(long id, Checked.Accepted reading) {
        ReadingMessage message = reading.message();
        return new StoredReading(id, deviceId, message.boot(), message.seq(), message.timestampMs(),
                message.energyMwh(), message.flags(), reading.reading().message(), "verified", null);
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
        PollPlanner planner = planner(Map.of());
        storedAs(planner.plan(TestReadings.accepted(device, 3, 0, 100, ReadingFlags.FIRST_AFTER_BOOT)), "verified", null);
        storedAs(planner.plan(TestReadings.accepted(device, 3, 1, 200, 1)), "verified", null);
        assertEquals(Map.of(deviceId, 3L), planner.highestBoots());
        assertEquals(2, planner.decisions().size());
    }

    @Test
    void identicalResendIsADuplicateWithinThePollAndAgainstStoredRows() {
        Checked.Accepted first = TestReadings.accepted(device, 1, 5, 500, 1);
        PollPlanner fresh = planner(Map.of());
        fresh.plan(first);
        assertInstanceOf(Decision.Duplicate.class, fresh.plan(first));

        PollPlanner later = planner(Map.of(deviceId, 1L), stored(17, first));
        assertInstanceOf(Decision.Duplicate.class, later.plan(first));
    }

    @Test
    void aDifferentMessageForAStoredIdentityIsAnEquivocation() {
        Checked.Accepted original = TestReadings.accepted(device, 1, 5, 500, 1);
        Checked.Accepted other = TestReadings.accepted(device, 1, 5, 501, 1);
        PollPlanner planner = planner(Map.of(deviceId, 1L), stored(17, original));
        Decision.Conflict conflict = assertInstanceOf(Decision.Conflict.class, planner.plan(other));
        assertEquals(17, conflict.readingId());
        assertNull(conflict.pending());
        // the same conflicting message again is a duplicate, a third one another conflict
        assertInstanceOf(Decision.Duplicate.class, planner.plan(other));
        assertInstanceOf(Decision.Conflict.class, planner.plan(TestReadings.accepted(device, 1, 5, 502, 1)));
    }

    @Test
    void anEquivocationInsideThePollDisputesTheReadingBeforeItIsInserted() {
        Checked.Accepted original = TestReadings.accepted(device, 1, 5, 500, 1);
        PollPlanner planner = planner(Map.of());
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
    void aLowerBootTimedAfterAStoredReadingOfAHigherBootIsARollback() {
        // boot 4 seq 0 at T0; a boot 3 reading timed after it is a reset or cloned device
        PollPlanner planner = planner(Map.of(), stored(40, TestReadings.accepted(device, 4, 0, 100, 0)));
        assertEquals("rollback", quarantineReason(planner.plan(TestReadings.accepted(device,
                TestReadings.message(device, 3, 7, TestReadings.T0 + 1, 90, 0)))));
        // a boot 3 reading timed before boot 4 (resent after the reboot) is accepted
        storedAs(planner.plan(TestReadings.accepted(device,
                TestReadings.message(device, 3, 6, TestReadings.T0 - 10_000, 90, 0))), "verified", null);
        // a boot 5 reading timed before a stored boot 4 reading is the same contradiction, seen from the other side
        assertEquals("rollback", quarantineReason(planner.plan(TestReadings.accepted(device,
                TestReadings.message(device, 5, 0, TestReadings.T0 - 1, 200, 0)))));
        storedAs(planner.plan(TestReadings.accepted(device, 5, 0, 200, 0)), "verified", null);
        // the poll's own readings count as neighbours for later records
        assertEquals("rollback", quarantineReason(planner.plan(TestReadings.accepted(device,
                TestReadings.message(device, 4, 1, TestReadings.T0 + 1, 150, 0)))));
    }

    @Test
    void aResentReadingOfAnOlderBootIsStillADuplicateNotARollback() {
        Checked.Accepted old = TestReadings.accepted(device, 2, 9, 900, 0);
        PollPlanner planner = planner(Map.of(deviceId, 3L), stored(5, old));
        assertInstanceOf(Decision.Duplicate.class, planner.plan(old));
    }

    @Test
    void timeRulesQuarantineWithTheirReason() {
        PollPlanner planner = planner(Map.of());
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
        PollPlanner planner = planner(Map.of(deviceId, 1L), stored(30, previous));
        storedAs(planner.plan(TestReadings.accepted(device, 1, 11, 4_999, 1)), "anomaly", "register_decreased");
        // a restart flag allows it
        storedAs(planner.plan(TestReadings.accepted(device, 1, 12, 10, ReadingFlags.REGISTER_RESTARTED)), "verified",
                null);
        // a new boot starts a new comparison
        storedAs(planner.plan(TestReadings.accepted(device, TestReadings.message(device, 2, 0, TestReadings.T0
                + 200_000, 1, ReadingFlags.FIRST_AFTER_BOOT))), "verified", null);
    }

    @Test
    void reorderedReadingsCompareWithTheirNeighboursBySeq() {
        PollPlanner planner = planner(Map.of());
        PendingReading four = storedAs(planner.plan(TestReadings.accepted(device, 1, 4, 1_000, 1)), "verified", null);
        storedAs(planner.plan(TestReadings.accepted(device, 1, 6, 1_200, 1)), "verified", null);
        // seq 5 arrives late, between its neighbours: clean
        storedAs(planner.plan(TestReadings.accepted(device, 1, 5, 1_100, 1)), "verified", null);
        // seq 3 arrives late with a register above seq 4's: the decrease is attributed to seq 4 (the later seq),
        // as if seq 3 had come first
        storedAs(planner.plan(TestReadings.accepted(device, 1, 3, 1_050, 1)), "verified", null);
        assertEquals("anomaly", four.status());
        assertEquals("register_decreased", four.verificationError());
        assertEquals(List.of(), planner.reevaluations());
        // seq 7 compares with seq 6 (the previous by seq), not with the last arrival
        storedAs(planner.plan(TestReadings.accepted(device, 1, 7, 1_150, 1)), "anomaly", "register_decreased");
    }

    @Test
    void aStoredReadingIsJudgedAgainWhenAReadingIsInsertedBeforeIt() {
        Checked.Accepted four = TestReadings.accepted(device, 1, 4, 1_000, 1);
        Checked.Accepted six = TestReadings.accepted(device, 1, 6, 900, 1);
        // seq 6 was stored as an anomaly against seq 4; seq 5 (a register restart) arrives between them
        PollPlanner planner = new PollPlanner(ReadingRules.defaults(), List.of(stored(10, four),
                new StoredReading(11, deviceId, 1, 6, six.message().timestampMs(), 900, 1, six.reading().message(),
                        "anomaly", "register_decreased")));
        storedAs(planner.plan(TestReadings.accepted(device, 1, 5, 800, ReadingFlags.REGISTER_RESTARTED)), "verified",
                null);
        assertEquals(List.of(new PollPlanner.Reevaluation(11, "verified", null)), planner.reevaluations());
        // the other way round: a verified reading gets a predecessor with a higher register
        Checked.Accepted nine = TestReadings.accepted(device, 1, 9, 2_000, 1);
        PollPlanner second = new PollPlanner(ReadingRules.defaults(), List.of(stored(12, nine)));
        storedAs(second.plan(TestReadings.accepted(device, 1, 8, 2_500, 1)), "verified", null);
        assertEquals(List.of(new PollPlanner.Reevaluation(12, "anomaly", "register_decreased")),
                second.reevaluations());
    }

    @Test
    void aTooOldReadingThatContinuesTheSequenceIsStoredAsLate() {
        long received = TestReadings.T0 + 100 * 3_600_000L;
        Checked.Accepted before = acceptedAt(1, 10, TestReadings.T0, TestReadings.T0 + 1_000, 500);
        PollPlanner planner = planner(Map.of(), stored(50, before));
        PendingReading late = storedAs(planner.plan(acceptedAt(1, 11, TestReadings.T0 + 300_000, received, 600)),
                "verified", null);
        assertEquals(true, late.late());
        // continues across a reboot as well
        assertEquals(true, storedAs(planner.plan(acceptedAt(2, 0, TestReadings.T0 + 600_000, received, 10)),
                "verified", null).late());
        // back in time against its predecessor: too old
        assertEquals("too_old", quarantineReason(planner.plan(acceptedAt(2, 1, TestReadings.T0 + 500_000, received,
                20))));
        // before the first stored reading: nothing to continue
        assertEquals("too_old", quarantineReason(planner.plan(acceptedAt(1, 9, TestReadings.T0 - 1, received, 400))));
        // a fresh reading is not late
        assertEquals(false, storedAs(planner.plan(acceptedAt(2, 2, received - 1_000, received, 30)), "verified",
                null).late());
        // boot 1 timed after boot 2's first reading: a rollback, old or not
        assertEquals("rollback", quarantineReason(planner.plan(acceptedAt(1, 12, TestReadings.T0 + 700_000, received,
                700))));
        // a gap filler timed after its successor: too old; timed between its neighbours: late
        PollPlanner gaps = planner(Map.of(), stored(60, acceptedAt(7, 1, TestReadings.T0, TestReadings.T0, 1)),
                stored(61, acceptedAt(7, 3, TestReadings.T0 + 600_000, TestReadings.T0 + 600_000, 3)));
        assertEquals("too_old", quarantineReason(gaps.plan(acceptedAt(7, 2, TestReadings.T0 + 600_001, received, 2))));
        assertEquals(true, storedAs(gaps.plan(acceptedAt(7, 2, TestReadings.T0 + 300_000, received, 2)), "verified",
                null).late());
    }

    private Checked.Accepted acceptedAt(long boot, long seq, long timestampMs, long receivedAtMs, long energyMwh) {
        ReadingMessage message = TestReadings.message(device, boot, seq, timestampMs, energyMwh, 1);
        RawEnvelope raw = TestReadings.raw(deviceId, TestReadings.envelope(device, message), receivedAtMs);
        return assertInstanceOf(Checked.Accepted.class,
                ReadingChecker.verify(ReadingChecker.parse(raw), TestReadings.registry(7, device)));
    }

    @Test
    void rejectionsKeepTheirPlaceInThePoll() {
        PollPlanner planner = planner(Map.of());
        RawEnvelope raw = TestReadings.raw(deviceId, "{", TestReadings.T0);
        Checked.Rejected rejected = assertInstanceOf(Checked.Rejected.class, ReadingChecker.parse(raw));
        planner.plan(TestReadings.accepted(device, 1, 0, 1, 0));
        planner.reject(rejected);
        planner.plan(TestReadings.accepted(device, 1, 1, 2, 0));
        assertEquals(3, planner.decisions().size());
        assertSame(rejected, assertInstanceOf(Decision.Quarantine.class, planner.decisions().get(1)).rejected());
    }
}
