package io.wattwitness.query.rest.model;

import java.util.List;

/**
 * @param dataPoints oldest first
 * @param timeFrame hour | day | week | month | year
 * @param totalEnergy Σ values, Wh
 * @param unit always "Wh"
 * @param timezone zone used for the buckets
 */
public record ChartView(List<ChartPoint> dataPoints, String timeFrame, double totalEnergy, String unit,
        String timezone) {
}
