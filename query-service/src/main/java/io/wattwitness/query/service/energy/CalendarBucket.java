package io.wattwitness.query.service.energy;

import java.time.Instant;

/**
 * One chart bucket: a half-open instant range and its label in local time.
 *
 * @param start first instant of the bucket
 * @param end first instant after the bucket
 * @param label local label: {@code HH:mm} (10-minute and hourly), {@code yyyy-MM-dd} (daily), {@code yyyy-MM} (monthly)
 */
public record CalendarBucket(Instant start, Instant end, String label) {
}
