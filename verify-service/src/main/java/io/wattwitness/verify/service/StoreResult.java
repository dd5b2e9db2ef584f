package io.wattwitness.verify.service;

import io.wattwitness.reading.ReadingStatus;
import java.util.List;
import java.util.Map;

/**
 * What one committed poll did.
 *
 * @param outcomes number of records per outcome: {@code verified}, {@code anomaly}, {@code disputed} (new rows),
 *        {@code equivocation} (conflicting message recorded), {@code duplicate} (no-op), {@code quarantined}
 * @param quarantined verify-stage quarantine decisions per reason (including envelopes already quarantined)
 * @param events readings to publish on {@code readings.verified}, in poll order
 * @param acks acks to publish on {@code devices.acks} (SPEC.md §6.1), built from the committed decisions
 * @param resends identical resends or redeliveries of stored readings (named stored again)
 * @param late new readings stored as late (SPEC.md §8)
 * @param reevaluated stored readings whose register verdict changed because a reading was inserted before them
 * @param keptSealed stored readings whose register verdict would have changed but which are already sealed into an
 *        anchoring batch: they keep the verdict they were sealed with (logged at WARN)
 * @param republished stored readings published again because a record of the poll named them (a resend, a
 *        redelivery after a crash or a lost COMMIT answer); their events are part of {@code events}
 */
public record StoreResult(Map<String, Integer> outcomes, Map<String, Integer> quarantined,
        List<VerifiedEvent> events, List<AckPlan.DeviceAckRecord> acks, int resends, int late, int reevaluated,
        int keptSealed, int republished) {

    /** @return the result of an empty poll */
    public static StoreResult empty() {
        return new StoreResult(Map.of(), Map.of(), List.of(), List.of(), 0, 0, 0, 0, 0);
    }

    /** Outcome: a new row with status verified. */
    public static final String VERIFIED = ReadingStatus.VERIFIED.word();
    /** Outcome: a new row with status anomaly. */
    public static final String ANOMALY = ReadingStatus.ANOMALY.word();
    /** Outcome: a new row that is disputed from the start (conflict within the poll). */
    public static final String DISPUTED = ReadingStatus.DISPUTED.word();
    /** Outcome: a conflicting message recorded in reading_conflicts. */
    public static final String EQUIVOCATION = "equivocation";
    /** Outcome: identical resend or redelivery, nothing written. */
    public static final String DUPLICATE = "duplicate";
    /** Outcome: written to (or already in) quarantine. */
    public static final String QUARANTINED = "quarantined";

    /**
     * @param outcome one of the outcome constants
     * @return how many records had it
     */
    public int count(String outcome) {
        return outcomes.getOrDefault(outcome, 0);
    }
}
