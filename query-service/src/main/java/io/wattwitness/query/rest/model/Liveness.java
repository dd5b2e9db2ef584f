package io.wattwitness.query.rest.model;

/**
 * @param state live | stale | dead | unknown
 * @param lastReadingAt newest reading in sequence, Unix s, or null
 * @param lastReadingAgeS its age, s, or null
 * @param expectedIntervalS nominal interval, s
 */
public record Liveness(String state, Long lastReadingAt, Long lastReadingAgeS, long expectedIntervalS) {
}
