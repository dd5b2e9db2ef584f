package io.wattwitness.verify.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattwitness.reading.ReadingFlags;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReadingRulesTest {

    private static final long RECEIVED = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    private final ReadingRules rules = ReadingRules.defaults();

    private Optional<String> reason(long timestampMs) {
        return rules.checkTime(timestampMs, RECEIVED).map(ReadingRules.Violation::reason);
    }

    @Test
    void readingTimeUpToFiveMinutesAheadIsAccepted() {
        assertEquals(Optional.empty(), reason(RECEIVED));
        assertEquals(Optional.empty(), reason(RECEIVED + 300_000));
        assertEquals(Optional.of("clock_ahead"), reason(RECEIVED + 300_001));
        assertEquals(Optional.of("clock_ahead"), reason(Long.MAX_VALUE));
    }

    @Test
    void readingTimeUpTo72HoursOldIsAccepted() {
        long hours72 = 72L * 3_600_000L;
        assertEquals(Optional.empty(), reason(RECEIVED - hours72));
        assertEquals(Optional.of("too_old"), reason(RECEIVED - hours72 - 1));
    }

    @Test
    void readingTimeBefore2024IsRefusedWhateverTheReceiveTime() {
        long newYear2024 = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
        assertEquals(Optional.of("before_2024"), rules.checkTime(newYear2024 - 1, newYear2024).map(ReadingRules.Violation::reason));
        assertEquals(Optional.empty(), rules.checkTime(newYear2024, newYear2024).map(ReadingRules.Violation::reason));
        assertEquals(Optional.of("before_2024"), reason(0));
        assertEquals(Optional.of("before_2024"), reason(-1));
    }

    @Test
    void limitsAreConfigurable() {
        ReadingRules strict = new ReadingRules(Duration.ofSeconds(10), Duration.ofHours(1),
                Instant.parse("2025-06-01T00:00:00Z"));
        assertEquals("clock_ahead", strict.checkTime(RECEIVED + 10_001, RECEIVED).orElseThrow().reason());
        assertEquals("too_old", strict.checkTime(RECEIVED - 3_600_001, RECEIVED).orElseThrow().reason());
        assertEquals("before_2024", strict.checkTime(Instant.parse("2025-05-31T23:59:59Z").toEpochMilli(),
                Instant.parse("2025-06-01T00:00:00Z").toEpochMilli()).orElseThrow().reason());
        assertTrue(strict.checkTime(RECEIVED + 10_000, RECEIVED).isEmpty());
    }

    @Test
    void violationDetailNamesTheValues() {
        ReadingRules.Violation violation = rules.checkTime(RECEIVED + 600_000, RECEIVED).orElseThrow();
        assertEquals("reading time is 600000 ms ahead of receive time 1767225600000 (limit 300000 ms)",
                violation.detail());
    }

    @Test
    void rollbackIsATimeThatContradictsTheBootOrderOfTheNeighbours() {
        ReadingRules.Neighbour boot7 = new ReadingRules.Neighbour(7, 0, 1_000);
        ReadingRules.Neighbour boot5 = new ReadingRules.Neighbour(5, 99, 500);
        // a lower boot timed after the next stored reading of a higher boot
        assertEquals("rollback", ReadingRules.checkRollback(6, 1_001, boot5, boot7).orElseThrow().reason());
        // a lower boot timed before it: a resend from before the reboot
        assertTrue(ReadingRules.checkRollback(6, 1_000, boot5, boot7).isEmpty());
        // a higher boot timed before the previous stored reading of a lower boot
        assertEquals("rollback", ReadingRules.checkRollback(6, 499, boot5, null).orElseThrow().reason());
        assertTrue(ReadingRules.checkRollback(6, 500, boot5, null).isEmpty());
        // within one boot, time order is not a boot rule
        assertTrue(ReadingRules.checkRollback(7, 5_000, null, new ReadingRules.Neighbour(7, 1, 10)).isEmpty());
        assertTrue(ReadingRules.checkRollback(0, 0, null, null).isEmpty());
    }

    @Test
    void lateReadingsMustContinueTheStoredSequence() {
        ReadingRules.Neighbour previous = new ReadingRules.Neighbour(3, 10, 1_000);
        ReadingRules.Neighbour next = new ReadingRules.Neighbour(3, 12, 2_000);
        assertTrue(ReadingRules.refuseLate(1_000, previous, next).isEmpty());
        assertTrue(ReadingRules.refuseLate(2_000, previous, next).isEmpty());
        assertTrue(ReadingRules.refuseLate(5_000, previous, null).isEmpty());
        assertEquals("its time is before stored reading (boot 3, seq 10) at 1000 ms",
                ReadingRules.refuseLate(999, previous, next).orElseThrow());
        assertEquals("its time is after stored reading (boot 3, seq 12) at 2000 ms",
                ReadingRules.refuseLate(2_001, previous, next).orElseThrow());
        assertEquals("no stored reading of the device precedes it in (boot, seq) order",
                ReadingRules.refuseLate(1_500, null, next).orElseThrow());
    }

    @Test
    void registerDecreaseWithoutResetFlagIsAnAnomaly() {
        assertTrue(ReadingRules.registerDecreased(1_000, 999, ReadingFlags.CLOCK_SYNCED));
        assertFalse(ReadingRules.registerDecreased(1_000, 999, ReadingFlags.REGISTER_RESTARTED));
        assertFalse(ReadingRules.registerDecreased(1_000, 1_000, 0));
        assertFalse(ReadingRules.registerDecreased(1_000, 1_001, 0));
    }
}
