package io.wattwitness.query.service.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CalendarBucketsTest {

    private static final ZoneId BRUSSELS = ZoneId.of("Europe/Brussels");
    private static final ZoneId STOCKHOLM = ZoneId.of("Europe/Stockholm");
    private final EnergyBooker booker = new EnergyBooker(EnergyPolicy.DEFAULT);

    @Test
    void brusselsFallBackDayIsOneDailyBucketOf25Hours() {
        CalendarBucket day = CalendarBuckets.day(BRUSSELS, LocalDate.of(2015, 10, 25));
        assertEquals(Duration.ofHours(25), Duration.between(day.start(), day.end()));
        assertEquals(Instant.parse("2015-10-24T22:00:00Z"), day.start());
        assertEquals("2015-10-25", day.label());

        // the week chart ending that evening has that day as one bucket holding all 25 hours of energy:
        // a reading every 10 s at 1 Wh each from local midnight to midnight
        List<CalendarBucket> week = CalendarBuckets.forFrame(TimeFrame.WEEK, BRUSSELS,
                Instant.parse("2015-10-25T20:00:00Z"));
        assertEquals(7, week.size());
        CalendarBucket last = week.get(6);
        assertEquals(day, last);
        List<EnergySample> samples = new ArrayList<>();
        long from = day.start().toEpochMilli();
        for (int i = 0; i <= 25 * 360; i++) {
            samples.add(EnergySample.ofRegister(from + i * 10_000L, i * 1_000L, 360_000));
        }
        BucketGrid grid = new BucketGrid(CalendarBuckets.bounds(week));
        booker.book(samples, grid);
        assertEquals(9_000_000, grid.energyMwh(6), "25 h x 360 readings x 1 Wh");
        assertEquals(0, grid.energyMwh(5));
        assertEquals(Duration.ofHours(24), Duration.between(week.get(5).start(), week.get(5).end()));
    }

    @Test
    void stockholmSpringForwardDayHas23HourlyBucketsAndNo0200() {
        List<CalendarBucket> hours = CalendarBuckets.hoursOf(STOCKHOLM, LocalDate.of(2023, 3, 26));
        assertEquals(23, hours.size());
        List<String> labels = hours.stream().map(CalendarBucket::label).toList();
        assertFalse(labels.contains("02:00"));
        assertEquals(List.of("00:00", "01:00", "03:00"), labels.subList(0, 3));
        assertEquals("23:00", labels.get(22));
        assertEquals(Instant.parse("2023-03-25T23:00:00Z"), hours.get(0).start());
        assertEquals(Instant.parse("2023-03-26T22:00:00Z"), hours.get(22).end());

        // the day frame (last 24 real hours) ending late on that day skips 02:00 too
        List<CalendarBucket> dayFrame = CalendarBuckets.forFrame(TimeFrame.DAY, STOCKHOLM,
                Instant.parse("2023-03-26T21:30:00Z"));
        assertEquals(24, dayFrame.size());
        List<String> frameLabels = dayFrame.stream().map(CalendarBucket::label).toList();
        assertFalse(frameLabels.contains("02:00"));
        assertEquals("23:00", frameLabels.get(23));
        assertEquals("23:00", frameLabels.get(0), "24 real hours back from 23:00 CEST is 23:00 CET the day before");
    }

    @Test
    void hourFrameHasSixTenMinuteBucketsEndingWithTheCurrentOne() {
        List<CalendarBucket> hour = CalendarBuckets.forFrame(TimeFrame.HOUR, ZoneId.of("Asia/Kathmandu"),
                Instant.parse("2024-06-01T06:07:00Z"));
        // 06:07Z is 11:52 in Kathmandu (+05:45): the current bucket starts 11:50 local = 06:05Z
        assertEquals(6, hour.size());
        assertEquals("11:50", hour.get(5).label());
        assertEquals(Instant.parse("2024-06-01T06:05:00Z"), hour.get(5).start());
        assertEquals("11:00", hour.get(0).label());
        for (CalendarBucket bucket : hour) {
            assertEquals(0, bucket.start().toEpochMilli() % Slots.SLOT_MS, "10-minute buckets fall on slot boundaries");
        }
    }

    @Test
    void yearFrameHasTwelveLocalMonths() {
        List<CalendarBucket> year = CalendarBuckets.forFrame(TimeFrame.YEAR, BRUSSELS, Instant.parse("2024-03-15T12:00:00Z"));
        assertEquals(12, year.size());
        assertEquals("2023-04", year.get(0).label());
        assertEquals("2024-03", year.get(11).label());
        assertEquals(Instant.parse("2023-03-31T22:00:00Z"), year.get(0).start());
        assertEquals(Instant.parse("2024-03-31T22:00:00Z"), year.get(11).end());
    }
}
