package io.wattwitness.simulator.source;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * A measured time series read from a PV CSV file ({@link CsvReplayReader}), sorted by strictly increasing time.
 *
 * @param column the value column's header name
 * @param kind what the values mean
 * @param timesMs sample instants, Unix milliseconds UTC, strictly increasing
 * @param values sample values in the unit of {@code kind}
 * @param localOffset the site's UTC offset when the file states it (a column with an offset, or UTC and local
 *        columns side by side), empty otherwise
 * @param skippedRows rows without a usable value (empty, NaN), which real data has
 */
public record ReplaySeries(String column, Kind kind, long[] timesMs, double[] values, Optional<ZoneOffset> localOffset,
        int skippedRows) {

    /** What the values of a series mean. */
    public enum Kind {
        /** Active power in watts (may be negative at night). */
        POWER_W,
        /** Power as a fraction of the installation's capacity. */
        NORMALIZED_POWER,
        /** An energy counter in Wh that may restart (e.g. every morning). */
        ENERGY_COUNTER_WH
    }

    /** @return number of samples */
    public int size() {
        return timesMs.length;
    }

    /** @return the first sample's instant */
    public Instant first() {
        return Instant.ofEpochMilli(timesMs[0]);
    }

    /** @return the last sample's instant */
    public Instant last() {
        return Instant.ofEpochMilli(timesMs[timesMs.length - 1]);
    }

    /**
     * Turns the series into a production source.
     *
     * @param capacityW installation capacity in W, used to scale {@link Kind#NORMALIZED_POWER}
     * @return a {@link PowerSeriesSource} or an {@link EnergyCounterSource}
     */
    public ProductionSource toSource(double capacityW) {
        return switch (kind) {
            case POWER_W -> new PowerSeriesSource(timesMs, values, 1);
            case NORMALIZED_POWER -> new PowerSeriesSource(timesMs, values, capacityW);
            case ENERGY_COUNTER_WH -> EnergyCounterSource.ofDailyCounter(timesMs, values);
        };
    }
}
