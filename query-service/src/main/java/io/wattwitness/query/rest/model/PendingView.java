package io.wattwitness.query.rest.model;

import java.util.List;

/**
 * Body of {@code GET /api/v1/readings/pending} (the original shape of this endpoint): {@code {"readings":
 * [[id, power_w, total_wh, timestamp, signature], …], "first_reading_id": …, "last_reading_id": …, "count": …}}.
 *
 * @param readings in id order, each written as an array ({@link PendingReading})
 * @param firstReadingId first id or null
 * @param lastReadingId last id or null
 * @param count readings
 */
public record PendingView(List<PendingReading> readings, Long firstReadingId, Long lastReadingId, int count) {
}
