package io.wattwitness.query.rest.model;

/**
 * @param installationId installation
 * @param currentPowerW power of the latest reading, W, or null
 * @param lastReadingAt latest reading time, Unix s, or null
 * @param lastReadingAgeS its age in s, or null
 * @param todayEnergyWh since local midnight, Wh
 * @param lifetimeEnergyWh all booked energy, Wh
 * @param firstReadingAt first reading time, Unix s, or null
 * @param boot boot of the latest reading, or null
 * @param uptimeS since the first reading of that boot, s, or null
 * @param timezone zone
 */
public record SummaryView(long installationId, Double currentPowerW, Long lastReadingAt, Long lastReadingAgeS,
        double todayEnergyWh, double lifetimeEnergyWh, Long firstReadingAt, Long boot, Long uptimeS, String timezone) {
}
