package io.wattwitness.query.service.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattwitness.reading.ReadingFlags;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Register glitches, held drops and the capacity ceiling of {@link EnergyBooker}. */
class RegisterGlitchTest {

    private static final long T0 = Instant.parse("2024-06-01T10:00:00Z").toEpochMilli();
    private static final long CAPACITY_W = 4_200;
    private static final RegisterState G = RegisterState.GLITCH;
    private final EnergyBooker booker = new EnergyBooker(EnergyPolicy.DEFAULT);

    private static EnergySample wh(long ms, long wattHours) {
        return EnergySample.ofRegister(ms, wattHours * 1000, 0);
    }

    @Test
    void zeroForAFewSecondsThenBackBooksOnlyTheRealIncrease() {
        // 3,737 Wh, 0 Wh three seconds later, 3,746 Wh ten seconds after that: 9 Wh, not 3,746 Wh
        List<EnergySample> samples = List.of(wh(T0, 3_737), wh(T0 + 3_000, 0), wh(T0 + 13_000, 3_746));
        for (long capacity : new long[] {CAPACITY_W, 0}) {
            BucketGrid day = BucketGrid.uniform(T0 - 10 * 3_600_000L, 86_400_000L, 1);
            EnergyBooker.Outcome outcome = booker.book(samples, day, capacity);
            assertEquals(9_000, day.totalMwh(), "capacity " + capacity);
            assertEquals(Arrays.asList(null, G, null), outcome.states());
            assertEquals(1, outcome.glitches());
            assertEquals(0, outcome.restarts());
            assertEquals(0, outcome.rollbacks());
            assertEquals(0, outcome.excessMwh());
            assertFalse(day.estimated(0));
        }
    }

    @Test
    void glitchOfSeveralReadingsIsOneGlitch() {
        // 0, 0, then a stale 2,000 Wh (2 kWh in 10 s is beyond a 4.2 kW meter), then back at 3,745 Wh
        List<EnergySample> samples = List.of(wh(T0, 3_737), wh(T0 + 10_000, 0), wh(T0 + 20_000, 0),
                wh(T0 + 30_000, 2_000), wh(T0 + 40_000, 3_745), wh(T0 + 50_000, 3_750));
        BucketGrid grid = Slots.covering(T0, T0 + 50_000);
        EnergyBooker.Outcome outcome = booker.book(samples, grid, CAPACITY_W);
        assertEquals(13_000, grid.totalMwh());
        assertEquals(Arrays.asList(null, G, G, G, null, null), outcome.states());
        assertEquals(1, outcome.glitches());
        assertEquals(0, outcome.restarts());
        // 8 Wh spread over the 40 s from 3,737 Wh to 3,745 Wh: longer than 3 intervals, so estimated
        assertTrue(grid.estimated(0));
    }

    @Test
    void glitchOnABucketBoundarySpreadsTheRealIncreaseOverBothBuckets() {
        // 3,737 Wh at 09:59:55, 0 Wh at 10:00:00 (a slot boundary), 3,746 Wh at 10:00:10
        List<EnergySample> samples = List.of(wh(T0 - 5_000, 3_737), wh(T0, 0), wh(T0 + 10_000, 3_746));
        BucketGrid slots = Slots.covering(T0 - 5_000, T0 + 10_000);
        booker.book(samples, slots, CAPACITY_W);
        assertEquals(2, slots.size());
        assertEquals(T0 - 300_000, slots.bucketStartMs(0));
        // 9 Wh over 15 s: 5 s before the boundary, 10 s after
        assertEquals(3_000, slots.energyMwh(0));
        assertEquals(6_000, slots.energyMwh(1));
        assertEquals(1, slots.readingCount(0));
        assertEquals(2, slots.readingCount(1));
        assertEquals(0, slots.firstEnergyMwh(1), "the glitch reading is still a reading of its slot");
        BucketGrid hours = BucketGrid.uniform(T0 - 3_600_000, 3_600_000, 2);
        booker.book(samples, hours, CAPACITY_W);
        assertEquals(3_000, hours.energyMwh(0));
        assertEquals(6_000, hours.energyMwh(1));
    }

    @Test
    void aFlaggedDropThatReturnsIsAGlitchToo() {
        // the firmware sets REGISTER_RESTARTED on every drop it sees: 3,737 Wh, a flagged 0, 3,746 Wh again
        List<EnergySample> samples = List.of(wh(T0, 3_737),
                EnergySample.ofReading(T0 + 3_000, 0, 0, ReadingFlags.REGISTER_RESTARTED), wh(T0 + 13_000, 3_746));
        for (long capacity : new long[] {0, CAPACITY_W}) {
            BucketGrid grid = Slots.covering(T0, T0 + 13_000);
            EnergyBooker.Outcome outcome = booker.book(samples, grid, capacity);
            assertEquals(9_000, grid.totalMwh(), "capacity " + capacity);
            assertEquals(1, outcome.glitches());
            assertEquals(0, outcome.restarts());
            assertEquals(Arrays.asList(null, G, null), outcome.states());
        }
    }

    @Test
    void aLowRegisterThatCountsUpThenJumpsBackIsAGlitch() {
        // 3,737 Wh, then 5 and 6 Wh (a low register counting on: decided as a restart), then 3,746 Wh ten seconds
        // later, which 4.2 kW cannot produce: the drop is undone, 9 Wh in all (5 + 1 booked, 3 for the jump)
        List<EnergySample> samples = List.of(wh(T0, 3_737), wh(T0 + 10_000, 5), wh(T0 + 20_000, 6),
                wh(T0 + 30_000, 3_746), wh(T0 + 40_000, 3_750));
        BucketGrid grid = Slots.covering(T0, T0 + 40_000);
        EnergyBooker.Outcome outcome = booker.book(samples, grid, CAPACITY_W);
        assertEquals(9_000 + 4_000, grid.totalMwh());
        assertEquals(0, outcome.excessMwh());
        assertEquals(1, outcome.glitches());
        assertEquals(Arrays.asList(null, G, G, null, null), outcome.states());
    }

    @Test
    void aMeterBackSlightlyBelowItsOldLevelBooksNothingForTheJump() {
        // a reboot reads 0, then the meter is back at 3,720 Wh (it lost 17 Wh of unsaved counts) and counts on
        List<EnergySample> samples = List.of(wh(T0, 3_737), wh(T0 + 10_000, 0), wh(T0 + 20_000, 3_720),
                wh(T0 + 30_000, 3_725));
        BucketGrid grid = Slots.covering(T0, T0 + 30_000);
        EnergyBooker.Outcome outcome = booker.book(samples, grid, CAPACITY_W);
        assertEquals(5_000, grid.totalMwh());
        assertEquals(0, outcome.excessMwh());
        assertEquals(Arrays.asList(null, G, null, null), outcome.states());
        // the register later passes its old level by counting: no jump back is looked for any more
        List<EnergySample> longer = List.of(wh(T0, 3_737), wh(T0 + 10_000, 0), wh(T0 + 20_000, 10),
                wh(T0 + 3_600_000, 3_800), wh(T0 + 3_610_000, 3_810));
        BucketGrid hour = Slots.covering(T0, T0 + 3_610_000);
        EnergyBooker.Outcome counted = booker.book(longer, hour, CAPACITY_W);
        assertEquals(3_810_000, hour.totalMwh(), "a true restart: 0, then 3,810 Wh produced within the capacity");
        assertEquals(0, counted.glitches());
    }

    @Test
    void flaggedRestartRightAfterAGlitchIsBooked() {
        List<EnergySample> samples = List.of(wh(T0, 3_737), wh(T0 + 3_000, 0), wh(T0 + 13_000, 3_746),
                EnergySample.ofReading(T0 + 23_000, 0, 0, ReadingFlags.REGISTER_RESTARTED),
                wh(T0 + 33_000, 5), wh(T0 + 43_000, 12));
        BucketGrid grid = Slots.covering(T0, T0 + 43_000);
        EnergyBooker.Outcome outcome = booker.book(samples, grid, CAPACITY_W);
        assertEquals(9_000 + 12_000, grid.totalMwh());
        assertEquals(1, outcome.glitches());
        assertEquals(1, outcome.restarts());
        assertEquals(Arrays.asList(null, G, null, null, null, null), outcome.states());
    }

    @Test
    void unflaggedRestartRightAfterAGlitchIsBookedOnceTheRegisterCountsUp() {
        List<EnergySample> samples = List.of(wh(T0, 3_737), wh(T0 + 3_000, 0), wh(T0 + 13_000, 3_746),
                wh(T0 + 23_000, 0), wh(T0 + 33_000, 4), wh(T0 + 43_000, 9));
        BucketGrid grid = Slots.covering(T0, T0 + 43_000);
        EnergyBooker.Outcome outcome = booker.book(samples, grid, CAPACITY_W);
        assertEquals(9_000 + 9_000, grid.totalMwh());
        assertEquals(1, outcome.glitches());
        assertEquals(1, outcome.restarts());
        assertEquals(Arrays.asList(null, G, null, null, null, null), outcome.states());
        // before the register counts up, the drop is only held: nothing booked for it, the reading is HELD
        BucketGrid open = Slots.covering(T0, T0 + 43_000);
        EnergyBooker.Outcome held = booker.book(samples.subList(0, 4), open, CAPACITY_W);
        assertEquals(9_000, open.totalMwh());
        assertEquals(Arrays.asList(null, G, null, RegisterState.HELD), held.states());
        assertEquals(T0 + 13_000, held.dependsFromMs(T0 + 23_000));
        assertEquals(T0 + 13_000, held.dependsFromMs(T0 + 30_000));
        assertEquals(T0, held.dependsFromMs(T0 + 5_000), "inside the glitch: from the reading before its drop");
        assertEquals(T0 + 13_000, held.dependsFromMs(T0 + 14_000), "inside the open held run");
        EnergyBooker.Outcome decided = booker.book(samples.subList(0, 3), Slots.covering(T0, T0 + 13_000), CAPACITY_W);
        assertEquals(T0 + 20_000, decided.dependsFromMs(T0 + 20_000), "after a decided glitch: nothing to widen");
        assertEquals(T0 + 13_000, decided.dependsUntilMs(T0, T0 + 13_000), "from the baseline to the deciding reading");
        assertEquals(T0 + 13_000, decided.dependsUntilMs(T0 + 5_000, T0 + 13_000));
        assertEquals(T0 - 1, decided.dependsUntilMs(T0 - 1, T0 + 13_000), "before the run: nothing to widen");
        assertEquals(T0 + 23_000, held.dependsUntilMs(T0 + 13_000, T0 + 23_000), "an open run: to the last reading");
    }

    @Test
    void glitchDuringAGapSpreadsTheRealIncreaseOverTheGap() {
        // 3,737 Wh, 0 Wh ten seconds later, then nothing for 40 minutes, then 3,900 Wh
        List<EnergySample> samples = List.of(wh(T0, 3_737), wh(T0 + 10_000, 0), wh(T0 + 2_400_000, 3_900));
        BucketGrid slots = Slots.covering(T0, T0 + 2_399_999);
        EnergyBooker.Outcome outcome = booker.book(samples, slots, CAPACITY_W);
        assertEquals(Arrays.asList(null, G, null), outcome.states());
        assertEquals(8, slots.size());
        for (int i = 0; i < 8; i++) {
            assertEquals(20_375, slots.energyMwh(i), "slot " + i);
            assertTrue(slots.estimated(i), "slot " + i);
        }
        assertEquals(163_000, slots.totalMwh());
    }

    @Test
    void increaseBeyondCapacityIsHeldAsExcess() {
        // 100 Wh in 10 s is 36 kW: a 4.2 kW installation books at most 4.2 kW x 10 s x 1.25 + 1 Wh = 15.583 Wh
        List<EnergySample> samples = List.of(wh(T0, 3_737), wh(T0 + 10_000, 3_837), wh(T0 + 20_000, 3_847));
        BucketGrid grid = Slots.covering(T0, T0 + 20_000);
        EnergyBooker.Outcome outcome = booker.book(samples, grid, CAPACITY_W);
        assertEquals(15_583 + 10_000, grid.totalMwh());
        assertEquals(84_417, outcome.excessMwh());
        assertEquals(Arrays.asList(null, RegisterState.EXCESS, null), outcome.states());
        // without a capacity there is no ceiling
        BucketGrid unbounded = Slots.covering(T0, T0 + 20_000);
        assertEquals(0, booker.book(samples, unbounded).excessMwh());
        assertEquals(110_000, unbounded.totalMwh());
    }

    @Test
    void restartRegisterIsCappedByTheTimeSinceThePreviousReading() {
        // the register restarted and already shows 40 Wh ten seconds later: at most 15.583 Wh of it can be real
        List<EnergySample> flaggedOnly = List.of(wh(T0, 2_000_000),
                EnergySample.ofReading(T0 + 10_000, 40_000, 0, ReadingFlags.REGISTER_RESTARTED));
        BucketGrid undecided = Slots.covering(T0, T0 + 10_000);
        EnergyBooker.Outcome held = booker.book(flaggedOnly, undecided, CAPACITY_W);
        assertEquals(0, undecided.totalMwh(), "a flagged drop is held until the next reading decides it");
        assertEquals(Arrays.asList(null, RegisterState.HELD), held.states());
        // the next reading counts on from the low level: a true restart
        List<EnergySample> samples = List.of(flaggedOnly.get(0), flaggedOnly.get(1), wh(T0 + 20_000, 41));
        BucketGrid grid = Slots.covering(T0, T0 + 20_000);
        EnergyBooker.Outcome outcome = booker.book(samples, grid, CAPACITY_W);
        assertEquals(15_583 + 1_000, grid.totalMwh());
        assertEquals(24_417, outcome.excessMwh());
        assertEquals(1, outcome.restarts());
        assertEquals(Arrays.asList(null, RegisterState.EXCESS, null), outcome.states());
    }

    @Test
    void ceilingFollowsCapacityAndDuration() {
        EnergyPolicy policy = EnergyPolicy.DEFAULT;
        assertEquals(15_583, policy.ceilingMwh(4_200, 10_000));
        assertEquals(5_250_000 + 1_000, policy.ceilingMwh(4_200, 3_600_000));
        assertEquals(1_000, policy.ceilingMwh(4_200, 0));
        assertEquals(Long.MAX_VALUE, policy.ceilingMwh(0, 10_000));
    }

    @Test
    void everyBucketStaysWithinTheCeilingWhateverTheGlitches() {
        java.util.Random random = new java.util.Random(16);
        for (int run = 0; run < 30; run++) {
            List<EnergySample> samples = new java.util.ArrayList<>();
            long register = 1_000_000L + random.nextInt(5_000_000);
            long t = T0;
            for (int i = 0; i < 400; i++) {
                int dice = random.nextInt(40);
                long value;
                if (dice == 0) {
                    value = 0;
                } else if (dice == 1) {
                    value = register / 3;
                } else {
                    register += random.nextInt(dice == 2 ? 500_000 : 12_000);
                    value = register;
                }
                samples.add(EnergySample.ofRegister(t, value, 0));
                t += random.nextInt(20) == 0 ? 10_000L * random.nextInt(1, 30) : 10_000;
            }
            BucketGrid slots = Slots.covering(T0, t);
            booker.book(samples, slots, CAPACITY_W);
            for (int i = 0; i < slots.size(); i++) {
                long end = i + 1 < slots.size() ? slots.bucketStartMs(i + 1) : t;
                // each booked interval may carry its 1 Wh slack (and 1 mWh of rounding) into the bucket
                long ceiling = EnergyPolicy.DEFAULT.ceilingMwh(CAPACITY_W, end - slots.bucketStartMs(i))
                        + (slots.readingCount(i) + 1) * 1_001L;
                assertTrue(slots.energyMwh(i) <= ceiling, "run " + run + " slot " + i + ": " + slots.energyMwh(i));
                assertTrue(slots.energyMwh(i) >= 0, "run " + run + " slot " + i);
            }
        }
    }

    @Test
    void withoutACapacityARiseBeyondTheReportedPowerIsPartOfTheGlitch() {
        // no capacity; the meter reports 3 kW: 3,737 Wh, 0 Wh, a stale 2,000 Wh, 3,745 Wh. 2 kWh in 10 s at 3 kW is
        // impossible (the bound is 2 x 3 kW x 10 s x 1.25 + 1 Wh = 21.8 Wh), so the 2,000 Wh is still the glitch
        List<EnergySample> samples = List.of(EnergySample.ofRegister(T0, 3_737_000, 3_000_000),
                EnergySample.ofRegister(T0 + 10_000, 0, 3_000_000), EnergySample.ofRegister(T0 + 20_000, 2_000_000,
                        3_000_000), EnergySample.ofRegister(T0 + 30_000, 3_745_000, 3_000_000));
        BucketGrid grid = Slots.covering(T0, T0 + 30_000);
        EnergyBooker.Outcome outcome = booker.book(samples, grid, 0);
        assertEquals(8_000, grid.totalMwh());
        assertEquals(Arrays.asList(null, G, G, null), outcome.states());
        assertEquals(1, outcome.glitches());
        assertEquals(0, outcome.restarts());
        assertEquals(21_833, EnergyPolicy.DEFAULT.plausibleRiseMwh(0, 10_000, 3_000_000));
    }

    @Test
    void withoutACapacityARiseWithinTheReportedPowerIsARestartCountingUp() {
        // the same drop, then 0 -> 5 Wh in 10 s at 3 kW (8.3 Wh possible): a true restart, 5 + 8 Wh booked
        List<EnergySample> samples = List.of(EnergySample.ofRegister(T0, 3_737_000, 3_000_000),
                EnergySample.ofRegister(T0 + 10_000, 0, 3_000_000), EnergySample.ofRegister(T0 + 20_000, 5_000,
                        3_000_000), EnergySample.ofRegister(T0 + 30_000, 13_000, 3_000_000));
        BucketGrid grid = Slots.covering(T0, T0 + 30_000);
        EnergyBooker.Outcome outcome = booker.book(samples, grid, 0);
        assertEquals(13_000, grid.totalMwh());
        assertEquals(Arrays.asList(null, null, null, null), outcome.states());
        assertEquals(1, outcome.restarts());
        assertEquals(0, outcome.glitches());
    }

    @Test
    void aFlaggedRestartOfARegisterUnderTheToleranceIsARestart() {
        // 5 Wh, flagged 0 Wh, 3 Wh, 6 Wh: the drop stays within the 10 Wh tolerance, and 3 Wh in 10 s is possible
        List<EnergySample> samples = List.of(wh(T0, 5),
                EnergySample.ofReading(T0 + 10_000, 0, 0, ReadingFlags.REGISTER_RESTARTED), wh(T0 + 20_000, 3),
                wh(T0 + 30_000, 6));
        BucketGrid grid = Slots.covering(T0, T0 + 30_000);
        EnergyBooker.Outcome outcome = booker.book(samples, grid, CAPACITY_W);
        assertEquals(6_000, grid.totalMwh());
        assertEquals(1, outcome.restarts());
        assertEquals(0, outcome.glitches());
        // back to the full level it is a glitch
        BucketGrid back = Slots.covering(T0, T0 + 30_000);
        EnergyBooker.Outcome glitch = booker.book(List.of(wh(T0, 5),
                EnergySample.ofReading(T0 + 10_000, 0, 0, ReadingFlags.REGISTER_RESTARTED), wh(T0 + 20_000, 5),
                wh(T0 + 30_000, 6)), back, CAPACITY_W);
        assertEquals(1_000, back.totalMwh());
        assertEquals(1, glitch.glitches());
    }

    @Test
    void aDecreaseWithinRoundingKeepsEveryLaterBookingDependentOnTheMark() {
        // 1,000 Wh, 1,008 Wh, 1,002 Wh (within rounding: the mark stays 1,008 Wh), 1,010 Wh
        long[] registers = {1_000, 1_008, 1_002, 1_010};
        List<EnergySample> samples = new java.util.ArrayList<>();
        for (int i = 0; i < registers.length; i++) {
            samples.add(wh(T0 + i * 10_000L, registers[i]));
        }
        BucketGrid grid = Slots.covering(T0, T0 + 30_000);
        EnergyBooker.Outcome outcome = booker.book(samples, grid, CAPACITY_W);
        assertEquals(10_000, grid.totalMwh());
        assertEquals(1, outcome.markRuns().size());
        assertEquals(T0 + 10_000, outcome.markRuns().get(0)[0], "set by the 1,008 Wh reading");
        assertEquals(T0 + 30_000, outcome.markRuns().get(0)[1], "back at it with 1,010 Wh");
        assertEquals(T0 + 30_000, outcome.dependsUntilMs(T0 + 20_000, T0 + 30_000));
        assertEquals(-1, outcome.openMarkMwh());
        assertFalse(outcome.markOpenAt(T0 + 20_000));
        // without the last reading the stretch is still open
        EnergyBooker.Outcome open = booker.book(samples.subList(0, 3), Slots.covering(T0, T0 + 20_000), CAPACITY_W);
        assertTrue(open.markOpenAt(T0 + 20_000));
        assertEquals(1_008_000, open.openMarkMwh());
    }
}
