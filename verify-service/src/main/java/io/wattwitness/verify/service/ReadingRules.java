package io.wattwitness.verify.service;

import io.wattwitness.reading.ReadingFlags;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The verification rules that need no cryptography: reading time against receive time, boot rollback
 * and the energy register. Plain Java, immutable, thread-safe.
 */
public final class ReadingRules {

    /** Quarantine reason: reading time more than the allowed skew ahead of receive time. */
    public static final String CLOCK_AHEAD = "clock_ahead";
    /** Quarantine reason: reading time older than the allowed age at receive time. */
    public static final String TOO_OLD = "too_old";
    /** Quarantine reason: reading time before the earliest accepted instant (2024-01-01T00:00Z by default). */
    public static final String BEFORE_2024 = "before_2024";
    /**
     * Quarantine reason: the reading's time contradicts the device's boot order (a lower boot timed after a stored
     * reading of a higher boot, or the reverse): a cloned or reset device.
     */
    public static final String ROLLBACK = "rollback";
    /** Anomaly: energy register below the previous reading (by seq) of the same boot without the reset flag. */
    public static final String REGISTER_DECREASED = "register_decreased";
    /**
     * Anomaly of rows written before the order-independent rules: a reading whose register was above the next
     * stored reading. The decrease is now always attributed to the later-seq reading ({@link #REGISTER_DECREASED}).
     */
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

    /** @return the rules with the defaults: 5 minutes ahead, 72 hours old, 2024-01-01 */
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
     * A stored reading's place in its device's sequence and its time: the neighbour a rule compares with.
     *
     * @param boot boot counter
     * @param seq sequence number within the boot
     * @param timestampMs reading time, Unix ms
     */
    public record Neighbour(long boot, long seq, long timestampMs) {
    }

    /**
     * Boot rollback (a reset or cloned device writing under an old boot), formulated so that the verdict does not
     * depend on arrival order for a device whose clock runs forward: a reading is a rollback when its time is later
     * than that of the next stored reading in (boot, seq) order and that reading belongs to a higher boot, or when
     * its time is earlier than that of the previous stored reading in (boot, seq) order and that one belongs to a
     * lower boot. A spec-following device never triggers either (its boots follow each other in time), so a
     * reading of an earlier boot resent after a reboot is accepted in any order.
     *
     * @param boot the reading's boot
     * @param timestampMs the reading's time, Unix ms
     * @param previous the nearest stored reading before it in (boot, seq) order, or null
     * @param next the nearest stored reading after it in (boot, seq) order, or null
     * @return the violation ({@link #ROLLBACK}), or empty
     */
    public static Optional<Violation> checkRollback(long boot, long timestampMs, Neighbour previous, Neighbour next) {
        if (next != null && next.boot() > boot && timestampMs > next.timestampMs()) {
            return Optional.of(new Violation(ROLLBACK, "boot " + boot + " reading time " + timestampMs
                    + " ms is later than stored reading (boot " + next.boot() + ", seq " + next.seq() + ") at "
                    + next.timestampMs() + " ms of a higher boot"));
        }
        if (previous != null && previous.boot() < boot && timestampMs < previous.timestampMs()) {
            return Optional.of(new Violation(ROLLBACK, "boot " + boot + " reading time " + timestampMs
                    + " ms is earlier than stored reading (boot " + previous.boot() + ", seq " + previous.seq()
                    + ") at " + previous.timestampMs() + " ms of a lower boot"));
        }
        return Optional.empty();
    }

    /**
     * Acceptance of a reading older than the age limit (reading-format SPEC.md §8): it is stored as late when it
     * continues the device's stored sequence: a stored reading precedes it in (boot, seq) order, its time is not
     * before that reading's time and not after the time of the next stored reading, if any.
     *
     * @param timestampMs the reading's time, Unix ms
     * @param previous the nearest stored reading before it in (boot, seq) order, or null
     * @param next the nearest stored reading after it in (boot, seq) order, or null
     * @return empty when it is accepted as late, else why not (to be quarantined as {@link #TOO_OLD})
     */
    public static Optional<String> refuseLate(long timestampMs, Neighbour previous, Neighbour next) {
        if (previous == null) {
            return Optional.of("no stored reading of the device precedes it in (boot, seq) order");
        }
        if (timestampMs < previous.timestampMs()) {
            return Optional.of("its time is before stored reading (boot " + previous.boot() + ", seq "
                    + previous.seq() + ") at " + previous.timestampMs() + " ms");
        }
        if (next != null && timestampMs > next.timestampMs()) {
            return Optional.of("its time is after stored reading (boot " + next.boot() + ", seq " + next.seq()
                    + ") at " + next.timestampMs() + " ms");
        }
        return Optional.empty();
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
