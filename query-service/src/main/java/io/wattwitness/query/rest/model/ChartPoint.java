package io.wattwitness.query.rest.model;

/**
 * @param label local label
 * @param value energy, Wh
 * @param timestamp bucket start, Unix s
 * @param estimated part of the bucket is a gap or integrated power
 */
public record ChartPoint(String label, double value, long timestamp, boolean estimated) {
}
