package io.wattwitness.query.service.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A late reading (one that arrives after later readings were booked) just before or inside a register glitch: the
 * slots after it arrives equal booking the same readings in time order, and both equal the register by hand.
 */
class LateGlitchReadingTest {

    /** 10:10:00 UTC: the slot boundary the glitches cross. */
    private static final long BOUNDARY = Instant.parse("2024-06-01T10:10:00Z").toEpochMilli();
    private static final long SLOT_1005 = BOUNDARY - Slots.SLOT_MS;
    private static final long CAPACITY_W = 4_200;
    private final EnergyBooker booker = new EnergyBooker(EnergyPolicy.DEFAULT);

    /** A reading {@code seconds} from the 10:10 boundary (negative before it) with a register in Wh. */
    private static EnergySample wh(int seconds, long wattHours) {
        return EnergySample.ofRegister(BOUNDARY + seconds * 1000L, wattHours * 1000, 0);
    }

    /** Books the readings in time order through the replica, and with the reading at {@code late} arriving last. */
    private static RollupReplica[] inOrderAndLate(List<EnergySample> samples, int late) {
        RollupReplica inOrder = new RollupReplica(CAPACITY_W);
        samples.forEach(inOrder::add);
        RollupReplica lateArrival = new RollupReplica(CAPACITY_W);
        for (int i = 0; i < samples.size(); i++) {
            if (i != late) {
                lateArrival.add(samples.get(i));
            }
        }
        lateArrival.add(samples.get(late));
        return new RollupReplica[] {inOrder, lateArrival};
    }

    private void assertSlots(List<EnergySample> samples, int late, long slot1005Mwh, long slot1010Mwh) {
        BucketGrid day = BucketGrid.uniform(BOUNDARY - 10 * 3_600_000L, 86_400_000L, 1);
        booker.book(samples, day, CAPACITY_W);
        BucketGrid slots = Slots.covering(samples.get(0).timestampMs(), samples.get(samples.size() - 1).timestampMs());
        booker.book(samples, slots, CAPACITY_W);
        Map<Long, Long> expected = new TreeMap<>(Map.of(SLOT_1005, slot1005Mwh, BOUNDARY, slot1010Mwh));
        assertEquals(slot1005Mwh + slot1010Mwh, day.totalMwh(), "the day, booked in one pass");
        assertEquals(2, slots.size());
        assertEquals(slot1005Mwh, slots.energyMwh(0), "10:05 booked in one pass");
        assertEquals(slot1010Mwh, slots.energyMwh(1), "10:10 booked in one pass");
        RollupReplica[] replicas = inOrderAndLate(samples, late);
        assertEquals(expected, replicas[0].slots(), "readings arriving in time order");
        assertEquals(expected, replicas[1].slots(), "the reading of " + Instant.ofEpochMilli(
                samples.get(late).timestampMs()) + " arriving last");
        assertEquals(slot1005Mwh + slot1010Mwh, replicas[1].totalMwh());
        for (EnergySample sample : samples) {
            assertEquals(replicas[0].state(sample.timestampMs()), replicas[1].state(sample.timestampMs()),
                    "state at " + Instant.ofEpochMilli(sample.timestampMs()));
        }
    }

    @Test
    void lateReadingBeforeADropToZeroInItsSlotHeldPastTheSlotEnd() {
        // 3,737 Wh at 10:09:15, the late 3,738 Wh at 10:09:25, 3,739 and 3,740 Wh, then 0 Wh at 10:09:55 and
        // 10:10:05, back at 3,743 Wh at 10:10:15, 3,744 Wh at 10:10:25. By hand: 1 + 1 + 1 Wh up to 10:09:45; the
        // glitch's 3 Wh over 3,740 Wh spread over the 30 s from 10:09:45 to 10:10:15, 15 s of them before 10:10
        // (1.5 Wh); 1 Wh after 10:10:15. 10:05 slot: 3 + 1.5 = 4.5 Wh, 10:10 slot: 1.5 + 1 = 2.5 Wh, 7 Wh in all =
        // 3,744 - 3,737. Booking only the late reading's slot (10:05) left the glitch undecided in it: 3 Wh there.
        List<EnergySample> samples = List.of(wh(-45, 3_737), wh(-35, 3_738), wh(-25, 3_739), wh(-15, 3_740),
                wh(-5, 0), wh(5, 0), wh(15, 3_743), wh(25, 3_744));
        assertSlots(samples, 1, 4_500, 2_500);
        BucketGrid slots = Slots.covering(samples.get(0).timestampMs(), samples.get(7).timestampMs());
        assertEquals(Arrays.asList(null, null, null, null, RegisterState.GLITCH, RegisterState.GLITCH, null, null),
                booker.book(samples, slots, CAPACITY_W).states());
    }

    @Test
    void lateReadingBeforeAStaleLowValueSpanningTheSlotBoundary() {
        // a stale 2,000 Wh from 10:09:55 to 10:10:15 (three readings), back at 3,742 Wh at 10:10:25, 3,743 Wh at
        // 10:10:35. By hand: 3 Wh up to 10:09:45; 2 Wh over 3,740 Wh spread over the 40 s from 10:09:45 to
        // 10:10:25, 15 s before 10:10 (0.75 Wh), 25 s after (1.25 Wh); 1 Wh after. 10:05: 3.75 Wh, 10:10: 2.25 Wh,
        // 6 Wh in all = 3,743 - 3,737.
        List<EnergySample> samples = List.of(wh(-45, 3_737), wh(-35, 3_738), wh(-25, 3_739), wh(-15, 3_740),
                wh(-5, 2_000), wh(5, 2_000), wh(15, 2_000), wh(25, 3_742), wh(35, 3_743));
        assertSlots(samples, 1, 3_750, 2_250);
    }

    @Test
    void lateReadingInsideAGlitchFollowedByAnotherAcrossTheBoundary() {
        // 3,737 Wh at 10:09:05, 3,738 Wh at 10:09:15, 0 Wh at 10:09:25 and the late 0 Wh at 10:09:35, back at
        // 3,740 Wh at 10:09:45, 3,741 Wh at 10:09:55, 0 Wh at 10:10:05, back at 3,744 Wh at 10:10:15, 3,745 Wh at
        // 10:10:25. By hand: 1 Wh up to 10:09:15; the first glitch's 2 Wh over (10:09:15, 10:09:45]; 1 Wh to
        // 10:09:55; the second glitch's 3 Wh over the 20 s (10:09:55, 10:10:15], 5 s before 10:10 (0.75 Wh), 15 s
        // after (2.25 Wh); 1 Wh after. 10:05: 1 + 2 + 1 + 0.75 = 4.75 Wh, 10:10: 2.25 + 1 = 3.25 Wh, 8 Wh in all.
        List<EnergySample> samples = List.of(wh(-55, 3_737), wh(-45, 3_738), wh(-35, 0), wh(-25, 0), wh(-15, 3_740),
                wh(-5, 3_741), wh(5, 0), wh(15, 3_744), wh(25, 3_745));
        assertSlots(samples, 3, 4_750, 3_250);
    }

    @Test
    void lateReadingInsideAGlitchThatItDecidesDifferentlyIsRebookedPastIt() {
        // no capacity, no power: 3,744 Wh at 10:09:05 and 10:09:15, the late 0 Wh at 10:09:25, 2,000 Wh at 10:09:35
        // and 10:09:45, 3,750 Wh at 10:10:05. In time order the 0 Wh is a drop the 2,000 Wh count up from (no
        // capacity and no power bound a rise): a restart, 2,000 Wh booked after it; 3,750 Wh is then 1,750 Wh more
        // over (10:09:45, 10:10:05], 15 s before 10:10 (1,312.5 Wh), 5 s after (437.5 Wh). Without the 0 Wh the
        // 2,000 Wh readings were a glitch of 6 Wh: the late reading decides differently up to 10:10:05.
        List<EnergySample> samples = List.of(wh(-55, 3_744), wh(-45, 3_744), wh(-35, 0), wh(-25, 2_000),
                wh(-15, 2_000), wh(5, 3_750));
        BucketGrid slots = Slots.covering(samples.get(0).timestampMs(), samples.get(5).timestampMs());
        booker.book(samples, slots, 0);
        assertEquals(2_000_000 + 1_312_500, slots.energyMwh(0));
        assertEquals(437_500, slots.energyMwh(1));
        RollupReplica inOrder = new RollupReplica(0);
        samples.forEach(inOrder::add);
        RollupReplica late = new RollupReplica(0);
        for (int i = 0; i < samples.size(); i++) {
            if (i != 2) {
                late.add(samples.get(i));
            }
        }
        assertEquals(6_000, late.totalMwh(), "before the late reading: a glitch");
        late.add(samples.get(2));
        Map<Long, Long> expected = Map.of(SLOT_1005, 3_312_500L, BOUNDARY, 437_500L);
        assertEquals(expected, inOrder.slots());
        assertEquals(expected, late.slots());
    }

    @Test
    void anyLateReadingAmongGlitchesGivesTheSlotsOfTimeOrder() {
        // random registers with drops to 0 and stale 2,000 Wh, 1 to 60 s apart, now and then up to 20 minutes;
        // one reading arrives last: the slots equal those of booking in time order, which equal one pass
        Random random = new Random(5);
        long t0 = BOUNDARY - Slots.SLOT_MS;
        for (int run = 0; run < 20_000; run++) {
            int n = 6 + random.nextInt(5);
            List<EnergySample> samples = new ArrayList<>();
            long t = t0 + random.nextInt(300) * 1000L;
            long register = 3_737_000;
            for (int i = 0; i < n; i++) {
                int dice = random.nextInt(6);
                long value = dice == 0 ? 0 : dice == 1 ? 2_000_000 : (register += random.nextInt(12) * 1000L);
                samples.add(EnergySample.ofRegister(t, value, 0));
                t += random.nextInt(8) == 0 ? 60_000L * (1 + random.nextInt(20)) : 1000L * (1 + random.nextInt(60));
            }
            long capacity = random.nextBoolean() ? CAPACITY_W : 0;
            int late = 1 + random.nextInt(n - 2);
            RollupReplica inOrder = new RollupReplica(capacity);
            samples.forEach(inOrder::add);
            RollupReplica lateArrival = new RollupReplica(capacity);
            for (int i = 0; i < n; i++) {
                if (i != late) {
                    lateArrival.add(samples.get(i));
                }
            }
            lateArrival.add(samples.get(late));
            BucketGrid onePass = Slots.covering(samples.get(0).timestampMs(), samples.get(n - 1).timestampMs());
            new EnergyBooker(EnergyPolicy.DEFAULT).book(samples, onePass, capacity);
            String what = "run " + run + ": " + samples;
            assertEquals(inOrder.slots(), lateArrival.slots(), what);
            assertEquals(onePass.totalMwh(), lateArrival.totalMwh(), what);
            assertTrue(onePass.totalMwh() >= 0, what);
        }
    }
}
