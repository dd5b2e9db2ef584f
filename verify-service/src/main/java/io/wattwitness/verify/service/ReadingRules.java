package io.wattwitness.verify.service;

import io.wattwitness.reading.ReadingFlags;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The verification rules that need no cryptography (issue 3): reading time against receive time, boot rollback
 * and the energy register. Plain Java, immutable, thread-safe.
 */
public final class ReadingRules {

    /** Quarantine reason: reading time more than the allowed skew ahead of receive time. */
    public static final String CLOCK_AHEAD = "clock_ahead";
    /** Quarantine reason: reading time older than the allowed age at receive time. */
    public static final String TOO_OLD = "too_old";
    /** Quarantine reason: reading time before the earliest accepted instant (2024-01-01T00:00Z by default). */
    public static final String BEFORE_2024 = "before_2024";
    /** Quarantine reason: boot counter lower than the highest stored for the device (cloned or reset device). */
    public static final String ROLLBACK = "rollback";
    /** Anomaly: energy register below the previous reading (by seq) of the same boot without the reset flag. */
    public static final String REGISTER_DECREASED = "register_decreased";
    /** Anomaly: a late reading whose register is above the next stored reading (by seq) of the same boot. */
    public static final String REGISTER_EXCEEDS_NEXT = "register_exceeds_next";
    /** Dispute reason: a second, different, validly signed message for the same (device, boot, seq). */
    public static final String EQUIVOCATION = "equivocation";

    private final long maxClockAheadMs;
    private final long maxAgeMs;
    private final long earliestMs;

    /**
     * @param maxClockAhead how far a reading time may be ahead of receive time (default 5 min)
     * @param maxAge how old a reading may be at receive time (default 72 h)
     * @param earliest the earliest acceptable reading time (default 2024-01-01T00:00:00Z)
     */
    public ReadingRules(Duration maxClockAhead, Duration maxAge, Instant earliest) {
        this.maxClockAheadMs = maxClockAhead.toMillis();
        this.maxAgeMs = maxAge.toMillis();
        this.earliestMs = earliest.toEpochMilli();
    }

    /** @return the rules with the defaults of issue 3: 5 minutes ahead, 72 hours old, 2024-01-01 */
    public static ReadingRules defaults() {
        return new ReadingRules(Duration.ofMinutes(5), Duration.ofHours(72), Instant.parse("2024-01-01T00:00:00Z"));
    }

    /**
     * A rule violation.
     *
     * @param reason machine-readable code
     * @param detail human-readable explanation with the values
     */
    public record Violation(String reason, String detail) {
    }

    /**
     * Checks the reading time (SPEC.md §2 {@code timestamp_ms}) against the receive time, in this order:
     * before the earliest instant, more than the allowed skew ahead, older than the allowed age. Limits are
     * inclusive: exactly 5 minutes ahead or exactly 72 hours old is accepted.
     *
     * @param timestampMs reading time, Unix ms
     * @param receivedAtMs receive time at the backend, Unix ms
     * @return the violation, or empty when the time is acceptable
     */
    public Optional<Violation> checkTime(long timestampMs, long receivedAtMs) {
        if (timestampMs < earliestMs) {
            return Optional.of(new Violation(BEFORE_2024, "reading time " + timestampMs + " ms is before "
                    + Instant.ofEpochMilli(earliestMs)));
        }
        long ahead = timestampMs - receivedAtMs;
        if (ahead > maxClockAheadMs) {
            return Optional.of(new Violation(CLOCK_AHEAD, "reading time is " + ahead + " ms ahead of receive time "
                    + receivedAtMs + " (limit " + maxClockAheadMs + " ms)"));
        }
        if (-ahead > maxAgeMs) {
            return Optional.of(new Violation(TOO_OLD, "reading time is " + (-ahead) + " ms before receive time "
                    + receivedAtMs + " (limit " + maxAgeMs + " ms)"));
        }
        return Optional.empty();
    }

    /**
     * @param boot the reading's boot counter
     * @param highestBoot the highest boot stored for the device, or null when none
     * @return whether the reading is a rollback (boot lower than the highest seen)
     */
    public static boolean isRollback(long boot, Long highestBoot) {
        return highestBoot != null && boot < highestBoot;
    }

    /**
     * Tells whether the energy register went down between two readings of the same boot.
     *
     * @param earlierEnergyMwh register of the reading with the lower seq, mWh
     * @param laterEnergyMwh register of the reading with the higher seq, mWh
     * @param laterFlags flags of the reading with the higher seq; {@link ReadingFlags#REGISTER_RESTARTED} allows a
     *        decrease
     * @return true when the later register is lower and the later reading does not declare a restart
     */
    public static boolean registerDecreased(long earlierEnergyMwh, long laterEnergyMwh, int laterFlags) {
        return laterEnergyMwh < earlierEnergyMwh && !ReadingFlags.isSet(laterFlags, ReadingFlags.REGISTER_RESTARTED);
    }
}
