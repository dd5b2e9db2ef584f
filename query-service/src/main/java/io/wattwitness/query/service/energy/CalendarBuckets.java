package io.wattwitness.query.service.energy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Calendar buckets in an installation's IANA zone (java.time rules, tzdb). A local day runs from local midnight
 * (or the first valid instant of the date) to the next, so daylight-saving days last 23 or 25 hours; months run
 * from the first of the month. Hour and 10-minute buckets are real elapsed time, labelled with local wall time, so
 * a spring-forward day has no 02:00 bucket and a fall-back day has two.
 */
public final class CalendarBuckets {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd");
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy-MM");
    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);
    private static final Duration ONE_HOUR = Duration.ofHours(1);

    private CalendarBuckets() {
    }

    /**
     * The buckets of a chart time frame ending with the bucket that holds {@code end}.
     *
     * @param frame the time frame
     * @param zone the installation's zone
     * @param end the instant the chart ends at (normally now)
     * @return the buckets, oldest first: 6 (hour), 24 (day), 7 (week), 30 (month) or 12 (year)
     */
    public static List<CalendarBucket> forFrame(TimeFrame frame, ZoneId zone, Instant end) {
        ZonedDateTime local = end.atZone(zone);
        return switch (frame) {
            case HOUR -> {
                ZonedDateTime hour = local.truncatedTo(ChronoUnit.HOURS);
                Instant last = hour.plusMinutes(local.getMinute() / 10 * 10L).toInstant();
                yield elapsed(zone, last.minus(TEN_MINUTES.multipliedBy(5)), TEN_MINUTES, 6);
            }
            case DAY -> {
                Instant last = local.truncatedTo(ChronoUnit.HOURS).toInstant();
                yield elapsed(zone, last.minus(ONE_HOUR.multipliedBy(23)), ONE_HOUR, 24);
            }
            case WEEK -> days(zone, local.toLocalDate().minusDays(6), 7);
            case MONTH -> days(zone, local.toLocalDate().minusDays(29), 30);
            case YEAR -> months(zone, YearMonth.from(local).minusMonths(11), 12);
        };
    }

    /**
     * One local calendar day.
     *
     * @param zone the zone
     * @param date the local date
     * @return the bucket from the start of {@code date} to the start of the next date
     */
    public static CalendarBucket day(ZoneId zone, LocalDate date) {
        return new CalendarBucket(date.atStartOfDay(zone).toInstant(), date.plusDays(1).atStartOfDay(zone).toInstant(),
                DATE.format(date));
    }

    /**
     * The hourly buckets of one local day (23, 24 or 25 of them).
     *
     * @param zone the zone
     * @param date the local date
     * @return hourly buckets covering exactly that day, labelled with local wall time
     */
    public static List<CalendarBucket> hoursOf(ZoneId zone, LocalDate date) {
        CalendarBucket whole = day(zone, date);
        List<CalendarBucket> buckets = new ArrayList<>();
        Instant start = whole.start();
        while (start.isBefore(whole.end())) {
            Instant next = start.plus(ONE_HOUR);
            if (next.isAfter(whole.end())) {
                next = whole.end();
            }
            buckets.add(new CalendarBucket(start, next, TIME.format(start.atZone(zone))));
            start = next;
        }
        return buckets;
    }

    /**
     * Bucket boundaries as Unix ms, for a {@link BucketGrid}.
     *
     * @param buckets contiguous buckets, oldest first
     * @return n + 1 boundaries
     */
    public static long[] bounds(List<CalendarBucket> buckets) {
        long[] bounds = new long[buckets.size() + 1];
        for (int i = 0; i < buckets.size(); i++) {
            bounds[i] = buckets.get(i).start().toEpochMilli();
        }
        bounds[buckets.size()] = buckets.get(buckets.size() - 1).end().toEpochMilli();
        return bounds;
    }

    private static List<CalendarBucket> elapsed(ZoneId zone, Instant first, Duration size, int count) {
        List<CalendarBucket> buckets = new ArrayList<>(count);
        Instant start = first;
        for (int i = 0; i < count; i++) {
            Instant next = start.plus(size);
            buckets.add(new CalendarBucket(start, next, TIME.format(start.atZone(zone))));
            start = next;
        }
        return buckets;
    }

    private static List<CalendarBucket> days(ZoneId zone, LocalDate first, int count) {
        List<CalendarBucket> buckets = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            buckets.add(day(zone, first.plusDays(i)));
        }
        return buckets;
    }

    private static List<CalendarBucket> months(ZoneId zone, YearMonth first, int count) {
        List<CalendarBucket> buckets = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            YearMonth month = first.plusMonths(i);
            buckets.add(new CalendarBucket(month.atDay(1).atStartOfDay(zone).toInstant(),
                    month.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant(), MONTH.format(month)));
        }
        return buckets;
    }
}
