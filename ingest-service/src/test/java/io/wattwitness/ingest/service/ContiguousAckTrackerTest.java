package io.wattwitness.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContiguousAckTrackerTest {

    private static final String DEVICE = "00112233445566aa";
    private static final String OTHER = "00112233445566bb";

    private final ContiguousAckTracker tracker = new ContiguousAckTracker(100, 16);

    private static Optional<DeviceAck> ack(long boot, long seq) {
        return Optional.of(new DeviceAck(boot, seq));
    }

    @Test
    void inOrderReadingsAdvanceTheAckOneByOne() {
        assertEquals(ack(3, 0), tracker.accept(DEVICE, 3, 0));
        assertEquals(ack(3, 1), tracker.accept(DEVICE, 3, 1));
        assertEquals(ack(3, 2), tracker.accept(DEVICE, 3, 2));
        assertEquals(ack(3, 2), tracker.current(DEVICE));
    }

    @Test
    void aGapHoldsTheAckAndTheMissingSeqFillsIt() {
        assertEquals(ack(7, 0), tracker.accept(DEVICE, 7, 0));
        assertEquals(ack(7, 1), tracker.accept(DEVICE, 7, 1));
        assertEquals(Optional.empty(), tracker.accept(DEVICE, 7, 3));
        assertEquals(Optional.empty(), tracker.accept(DEVICE, 7, 5));
        assertEquals(ack(7, 1), tracker.current(DEVICE));
        assertEquals(ack(7, 3), tracker.accept(DEVICE, 7, 2));
        assertEquals(ack(7, 5), tracker.accept(DEVICE, 7, 4));
    }

    @Test
    void aRepeatedReadingRepeatsTheCurrentAck() {
        tracker.accept(DEVICE, 1, 0);
        tracker.accept(DEVICE, 1, 1);
        tracker.accept(DEVICE, 1, 4);
        assertEquals(ack(1, 1), tracker.accept(DEVICE, 1, 0));
        assertEquals(Optional.empty(), tracker.accept(DEVICE, 1, 4));
    }

    @Test
    void aHigherBootStartsAfreshAtSeqZero() {
        tracker.accept(DEVICE, 4, 10);
        assertEquals(ack(4, 10), tracker.current(DEVICE));
        assertEquals(Optional.empty(), tracker.accept(DEVICE, 5, 1));
        assertEquals(Optional.empty(), tracker.current(DEVICE));
        assertEquals(ack(5, 1), tracker.accept(DEVICE, 5, 0));
    }

    @Test
    void aLowerBootChangesNothing() {
        tracker.accept(DEVICE, 9, 0);
        assertEquals(Optional.empty(), tracker.accept(DEVICE, 8, 1));
        assertEquals(ack(9, 0), tracker.current(DEVICE));
        assertEquals(ack(9, 1), tracker.accept(DEVICE, 9, 1));
    }

    @Test
    void anUnknownDeviceResumesAtTheFirstReadingSeen() {
        assertEquals(Optional.empty(), tracker.current(DEVICE));
        assertEquals(ack(12, 5000), tracker.accept(DEVICE, 12, 5000));
        assertEquals(ack(12, 5001), tracker.accept(DEVICE, 12, 5001));
        assertEquals(ack(12, 5001), tracker.accept(DEVICE, 12, 4000));
    }

    @Test
    void devicesAreTrackedSeparately() {
        tracker.accept(DEVICE, 1, 0);
        tracker.accept(OTHER, 2, 0);
        tracker.accept(OTHER, 2, 2);
        assertEquals(ack(1, 1), tracker.accept(DEVICE, 1, 1));
        assertEquals(ack(2, 0), tracker.current(OTHER));
        assertEquals(2, tracker.size());
    }

    @Test
    void pendingSeqsAreBoundedKeepingTheLowest() {
        ContiguousAckTracker small = new ContiguousAckTracker(10, 2);
        small.accept(DEVICE, 1, 0);
        small.accept(DEVICE, 1, 5);
        small.accept(DEVICE, 1, 3);
        small.accept(DEVICE, 1, 2);
        assertEquals(ack(1, 3), small.accept(DEVICE, 1, 1));
        assertEquals(ack(1, 3), small.current(DEVICE));
        assertEquals(Optional.empty(), small.accept(DEVICE, 1, 5));
        assertEquals(ack(1, 5), small.accept(DEVICE, 1, 4));
    }

    @Test
    void theLeastRecentlyUsedDeviceIsForgottenBeyondTheLimit() {
        ContiguousAckTracker small = new ContiguousAckTracker(2, 4);
        small.accept("0000000000000001", 1, 0);
        small.accept("0000000000000002", 1, 0);
        small.accept("0000000000000001", 1, 1);
        small.accept("0000000000000003", 1, 0);
        assertEquals(2, small.size());
        assertEquals(Optional.empty(), small.current("0000000000000002"));
        assertEquals(ack(1, 1), small.current("0000000000000001"));
    }

    @Test
    void limitsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new ContiguousAckTracker(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ContiguousAckTracker(1, 0));
    }
}
