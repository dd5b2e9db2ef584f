package io.wattwitness.query.service;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Optional;

/** The time zones the API accepts: IANA region ids (e.g. {@code Europe/Brussels}) and {@code UTC}, no offsets. */
public final class TimeZones {

    private TimeZones() {
    }

    /**
     * @param value a zone id, may be null
     * @return the zone, or empty when {@code value} is not an IANA region id nor {@code UTC}
     */
    public static Optional<ZoneId> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String id = value.trim();
        if (!ZoneId.getAvailableZoneIds().contains(id) && !"UTC".equals(id)) {
            return Optional.empty();
        }
        try {
            return Optional.of(ZoneId.of(id));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /**
     * @param value the zone id
     * @return the error reason for a value {@link #parse} refused
     */
    public static String reason(String value) {
        return "must be an IANA time zone such as Europe/Brussels, got '" + value + "'";
    }
}
