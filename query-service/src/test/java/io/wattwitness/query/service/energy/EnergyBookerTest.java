package io.wattwitness.query.service.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattwitness.reading.ReadingFlags;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnergyBookerTest {

    private static final long T0 = Instant.parse("2024-06-01T10:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;
    private final EnergyBooker booker = new EnergyBooker(EnergyPolicy.DEFAULT);

    @Test
    void restartAtZeroBooksOnlyWhatFollows() {
        // 1,523.40 kWh, the meter loses power and restarts at 0.00 kWh, then 1.4 Wh (10 s at 500 W)
        List<EnergySample> samples = List.of(
                EnergySample.ofRegister(T0, 1_523_400_000L, 500_000),
                EnergySample.ofRegister(T0 + 10_000, 0, 500_000),
                EnergySample.ofRegister(T0 + 20_000, 1_400, 500_000));
        BucketGrid grid = Slots.covering(T0, T0 + 20_000);
        EnergyBooker.Outcome outcome = booker.book(samples, grid);
        assertEquals(1_400, grid.totalMwh(), "books 1.4 Wh, not -1,523.4 kWh");
        assertEquals(1, outcome.restarts());
    }

    @Test
    void restartFlagIsHonoured() {
        List<EnergySample> samples = List.of(
                EnergySample.ofRegister(T0, 1_523_400_000L, 0),
                EnergySample.ofReading(T0 + 10_000, 0, 0, ReadingFlags.REGISTER_RESTARTED | ReadingFlags.FIRST_AFTER_BOOT),
                EnergySample.ofRegister(T0 + 20_000, 100_000, 0));
        BucketGrid grid = Slots.covering(T0, T0 + 20_000);
        assertEquals(1, booker.book(samples, grid).restarts());
        assertEquals(100_000, grid.totalMwh());
    }

    @Test
    void restartWithoutZeroReadingBooksTheNewRegister() {
        // restart noticed only once the register already counted 40 Wh again: those 40 Wh were produced after it
        List<EnergySample> samples = List.of(
                EnergySample.ofRegister(T0, 2_000_000_000L, 0),
                EnergySample.ofRegister(T0 + 10_000, 40_000, 0),
                EnergySample.ofRegister(T0 + 20_000, 45_000, 0));
        BucketGrid grid = Slots.covering(T0, T0 + 20_000);
        booker.book(samples, grid);
        assertEquals(45_000, grid.totalMwh());
    }

    @Test
    void thirtyDayGapWithUnchangedRegisterBooksZero() {
        long end = T0 + 30L * 24 * 60 * MINUTE;
        List<EnergySample> samples = List.of(
                EnergySample.ofRegister(T0, 7_654_321_000L, 1_200_000),
                EnergySample.ofRegister(end, 7_654_321_000L, 0));
        BucketGrid grid = Slots.covering(T0, end);
        booker.book(samples, grid);
        assertEquals(0, grid.totalMwh());
        for (int i = 0; i < grid.size(); i++) {
            assertEquals(0, grid.energyMwh(i), "no bucket is negative or positive");
        }
        // the last slot starts at the second reading: it holds that reading and none of the gap
        assertEquals(30 * 24 * 12 + 1, grid.size());
        for (int i = 0; i < grid.size() - 1; i++) {
            assertTrue(grid.estimated(i), "every bucket of the gap is estimated");
        }
        assertEquals(1, grid.readingCount(grid.size() - 1));
    }

    @Test
    void smallDecreaseWithinRoundingIsZeroAndNotCountedTwice() {
        List<EnergySample> samples = List.of(
                EnergySample.ofRegister(T0, 1_000_000, 0),
                EnergySample.ofRegister(T0 + 10_000, 995_000, 0),
                EnergySample.ofRegister(T0 + 20_000, 1_003_000, 0));
        BucketGrid grid = Slots.covering(T0, T0 + 20_000);
        EnergyBooker.Outcome outcome = booker.book(samples, grid);
        assertEquals(3_000, grid.totalMwh());
        assertEquals(0, outcome.restarts());
        assertEquals(0, outcome.rollbacks());
    }

    @Test
    void rollbackThatIsNotARestartBooksZero() {
        List<EnergySample> samples = List.of(
                EnergySample.ofRegister(T0, 5_000_000_000L, 0),
                EnergySample.ofRegister(T0 + 10_000, 4_000_000_000L, 0),
                EnergySample.ofRegister(T0 + 20_000, 4_000_020_000L, 0));
        BucketGrid grid = Slots.covering(T0, T0 + 20_000);
        EnergyBooker.Outcome outcome = booker.book(samples, grid);
        assertEquals(20_000, grid.totalMwh());
        assertEquals(1, outcome.rollbacks());
    }

    @Test
    void fiftyMinutesWithoutDataBetween80And2400WattsInventsNothing() {
        long t1 = T0 + 50 * MINUTE;
        // power-only source: integrating 80 W -> 2,400 W over the gap would invent 1,033 Wh; nothing is booked
        BucketGrid powerGrid = BucketGrid.uniform(T0, 10 * MINUTE, 5);
        booker.book(List.of(EnergySample.ofPower(T0, 80_000), EnergySample.ofPower(t1, 2_400_000)), powerGrid);
        assertEquals(0, powerGrid.totalMwh());
        for (int i = 0; i < 5; i++) {
            assertTrue(powerGrid.estimated(i));
        }
        // with registers: exactly the register delta (150 Wh), spread over the gap, estimated
        BucketGrid registerGrid = BucketGrid.uniform(T0, 10 * MINUTE, 5);
        booker.book(List.of(EnergySample.ofRegister(T0, 10_000_000, 80_000),
                EnergySample.ofRegister(t1, 10_150_000, 2_400_000)), registerGrid);
        assertEquals(150_000, registerGrid.totalMwh());
        for (int i = 0; i < 5; i++) {
            assertEquals(30_000, registerGrid.energyMwh(i));
            assertTrue(registerGrid.estimated(i));
        }
    }

    @Test
    void powerIsIntegratedOnlyAcrossShortIntervals() {
        // 3,600 W for 10 s -> 10 Wh per interval; 3 intervals then a 40 s gap (> 3 x 10 s) that books nothing
        List<EnergySample> samples = List.of(
                EnergySample.ofPower(T0, 3_600_000),
                EnergySample.ofPower(T0 + 10_000, 3_600_000),
                EnergySample.ofPower(T0 + 20_000, 3_600_000),
                EnergySample.ofPower(T0 + 30_000, 3_600_000),
                EnergySample.ofPower(T0 + 70_000, 3_600_000));
        BucketGrid grid = BucketGrid.uniform(T0, 10_000, 7);
        booker.book(samples, grid);
        assertEquals(30_000, grid.totalMwh());
        assertEquals(10_000, grid.energyMwh(0));
        assertEquals(0, grid.energyMwh(4));
        assertTrue(grid.estimated(0), "integrated power is an estimate");
    }

    @ParameterizedTest
    @ValueSource(longs = {10_000, 20_000, 30_000, 60_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000})
    void twoHundredReadingsBook995WhWhateverTheBucketSize(long bucketMs) {
        List<EnergySample> samples = new ArrayList<>();
        long start = T0 + 7_000; // not aligned to any bucket
        for (int i = 0; i < 200; i++) {
            samples.add(EnergySample.ofRegister(start + i * 10_000L, i * 5_000L, 1_800_000));
        }
        long gridStart = Math.floorDiv(start, bucketMs) * bucketMs;
        int count = (int) ((start + 199 * 10_000L - gridStart) / bucketMs) + 1;
        BucketGrid grid = BucketGrid.uniform(gridStart, bucketMs, count);
        booker.book(samples, grid);
        assertEquals(995_000, grid.totalMwh());
        int readings = 0;
        for (int i = 0; i < grid.size(); i++) {
            readings += grid.readingCount(i);
            assertFalse(grid.estimated(i));
        }
        assertEquals(200, readings);
    }

    @Test
    void bucketSumsEqualRegisterDifferencePlusRestartsForRandomSequences() {
        Random random = new Random(20240601);
        for (int run = 0; run < 50; run++) {
            List<EnergySample> samples = new ArrayList<>();
            long register = random.nextInt(1_000_000_000);
            long expected = 0;
            long t = T0 + random.nextInt(100_000);
            int lastRestart = -10;
            for (int i = 0; i < 500; i++) {
                // not on the last reading: a drop, flagged or not, is held until a later reading decides it
                boolean restart = i > 0 && i < 499 && i > lastRestart + 3 && register > 100_000
                        && random.nextInt(100) == 0;
                if (restart) {
                    lastRestart = i;
                    register = random.nextInt(1_000);
                    expected += register;
                    samples.add(EnergySample.ofReading(t, register, 0, ReadingFlags.REGISTER_RESTARTED));
                } else {
                    long step = random.nextInt(30_000);
                    if (i > 0) {
                        expected += step;
                    }
                    register += i > 0 ? step : 0;
                    samples.add(EnergySample.ofRegister(t, register, 0));
                }
                t += random.nextInt(10) == 0 ? 10_000L * random.nextInt(1, 200) : 10_000;
            }
            long first = samples.get(0).timestampMs();
            long last = samples.get(samples.size() - 1).timestampMs();
            for (long size : new long[] {10_000, 300_000, 3_600_000, 86_400_000}) {
                long gridStart = Math.floorDiv(first, size) * size;
                BucketGrid grid = BucketGrid.uniform(gridStart, size, (int) ((last - gridStart) / size) + 1);
                booker.book(samples, grid);
                assertEquals(expected, grid.totalMwh(), "run " + run + " bucket " + size);
            }
        }
    }

    @Test
    void rollupSlotsAddUpToCalendarBuckets() {
        // the same readings booked on 5-minute slots and directly on local hours give identical hourly values
        ZoneId zone = ZoneId.of("Asia/Kolkata");
        List<CalendarBucket> hours = CalendarBuckets.hoursOf(zone, LocalDate.of(2024, 6, 1));
        List<EnergySample> samples = new ArrayList<>();
        long start = hours.get(0).start().toEpochMilli() - 3_000;
        for (int i = 0; i < 8_700; i++) {
            samples.add(EnergySample.ofRegister(start + i * 10_000L, 1_000_000L + i * 7_321L, 0));
        }
        BucketGrid direct = new BucketGrid(CalendarBuckets.bounds(hours));
        booker.book(samples, direct);
        BucketGrid slots = Slots.covering(hours.get(0).start().toEpochMilli(), hours.get(23).end().toEpochMilli() - 1);
        booker.book(samples, slots);
        for (int h = 0; h < 24; h++) {
            long sum = 0;
            for (int s = 0; s < slots.size(); s++) {
                long slot = slots.bucketStartMs(s);
                if (slot >= hours.get(h).start().toEpochMilli() && slot < hours.get(h).end().toEpochMilli()) {
                    sum += slots.energyMwh(s);
                }
            }
            assertEquals(direct.energyMwh(h), sum, "hour " + hours.get(h).label());
        }
        assertEquals("00:00", hours.get(0).label());
        assertEquals(direct.totalMwh(), slots.totalMwh());
    }
}
