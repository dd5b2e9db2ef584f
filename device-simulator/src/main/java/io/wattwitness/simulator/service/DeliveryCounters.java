package io.wattwitness.simulator.service;

import java.util.Collection;

/**
 * What the delivery protocol of SPEC.md §6.2 did for one device or a fleet, since the transport was opened. Immutable
 * snapshot; {@link #plus} adds two.
 *
 * @param sent readings published for the first time (each outbox reading counts once)
 * @param resent publications of readings sent before: after an ack timeout, after a (re)connection, or left in the
 *        outbox by an earlier start
 * @param injected extra publications made by fault injection ({@link Fault#DUPLICATE}, {@link Fault#CONFLICT}) or
 *        by {@code publishRaw}; not outbox readings
 * @param acks valid acks received (duplicates, stale and forged ones included)
 * @param storedNamed outbox readings an ack named as stored (each removed once)
 * @param refusedNamed outbox readings an ack named as refused (each removed once)
 * @param unmatchedAcks valid acks that named no reading of the outbox (duplicate, stale, or for readings never sent)
 * @param invalidAcks payloads on the ack topic that were not a valid ack (logged and ignored)
 * @param dropped readings the full outbox dropped, oldest first
 * @param timeouts readings sent again because their ack timeout expired (part of {@code resent})
 */
public record DeliveryCounters(long sent, long resent, long injected, long acks, long storedNamed,
        long refusedNamed, long unmatchedAcks, long invalidAcks, long dropped, long timeouts) {

    /** All zero. */
    public static final DeliveryCounters ZERO = new DeliveryCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /**
     * @param other another snapshot
     * @return the member-wise sum
     */
    public DeliveryCounters plus(DeliveryCounters other) {
        return new DeliveryCounters(sent + other.sent, resent + other.resent, injected + other.injected,
                acks + other.acks, storedNamed + other.storedNamed, refusedNamed + other.refusedNamed,
                unmatchedAcks + other.unmatchedAcks, invalidAcks + other.invalidAcks, dropped + other.dropped,
                timeouts + other.timeouts);
    }

    /**
     * @param all snapshots, e.g. one per device
     * @return their sum (the fleet's counters)
     */
    public static DeliveryCounters sum(Collection<DeliveryCounters> all) {
        DeliveryCounters total = ZERO;
        for (DeliveryCounters counters : all) {
            total = total.plus(counters);
        }
        return total;
    }

    /** @return publications of readings: {@code sent + resent} */
    public long publications() {
        return sent + resent;
    }
}
