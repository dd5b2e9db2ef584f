package io.wattwitness.query.service.energy;

import java.util.Locale;
import java.util.Optional;

/**
 * Chart time frames of {@code GET /api/v1/readings/{installation_id}/chart} (API contract, "Readings").
 */
public enum TimeFrame {
    /** Six 10-minute buckets: the last hour. */
    HOUR,
    /** 24 hourly buckets: the last 24 hours. */
    DAY,
    /** Seven local calendar days. */
    WEEK,
    /** Thirty local calendar days. */
    MONTH,
    /** Twelve local calendar months. */
    YEAR;

    /**
     * @param value {@code hour|day|week|month|year}, any case
     * @return the frame, or empty for anything else
     */
    public static Optional<TimeFrame> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        for (TimeFrame frame : values()) {
            if (frame.name().equalsIgnoreCase(value.trim())) {
                return Optional.of(frame);
            }
        }
        return Optional.empty();
    }

    /** @return the lowercase wire name */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
