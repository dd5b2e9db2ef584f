package io.wattwitness.query.service;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;
import java.nio.charset.StandardCharsets;

/**
 * Parsing of path and query parameters; every failure is a 400 problem naming the parameter.
 */
public final class Params {

    private Params() {
    }

    /**
     * @param field parameter name
     * @param value raw value
     * @return a positive id
     */
    public static long id(String field, String value) {
        try {
            long id = Long.parseLong(value == null ? "" : value.trim());
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidArgumentException(field, "must be a positive integer, got '" + value + "'");
    }

    /**
     * @param field parameter name
     * @param value raw value, may be null
     * @param fallback value when absent
     * @param max largest allowed
     * @return 1 ≤ limit ≤ max
     */
    public static int limit(String field, String value, int fallback, int max) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int limit = Integer.parseInt(value.trim());
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidArgumentException(field, "must be an integer between 1 and " + max + ", got '" + value + "'");
    }

    /** Earliest instant a parameter may name: the Unix epoch (reading times are never earlier). */
    public static final Instant EARLIEST = Instant.EPOCH;
    /** First instant a parameter may no longer name: year 10000, the end of four-digit ISO-8601 years. */
    public static final Instant BEYOND_LATEST = Instant.parse("+10000-01-01T00:00:00Z");

    /**
     * An instant given as Unix seconds (integer or fractional) or ISO-8601 with offset, from
     * 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z.
     *
     * @param field parameter name
     * @param value raw value, may be null
     * @return the instant, or null when absent
     * @throws InvalidArgumentException naming the field when the value is not such an instant or lies outside the range
     */
    public static Instant instant(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.trim();
        Instant parsed = null;
        try {
            double seconds = Double.parseDouble(text);
            if (!Double.isFinite(seconds)) {
                throw new InvalidArgumentException(field, "must be a finite number of Unix seconds, got '" + value + "'");
            }
            if (Math.abs(seconds) >= 1e15) {
                throw outOfRange(field, value);
            }
            parsed = Instant.ofEpochMilli(Math.round(seconds * 1000));
        } catch (NumberFormatException e) {
            // not a number: try ISO-8601
        }
        if (parsed == null) {
            try {
                parsed = OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                try {
                    parsed = Instant.parse(text);
                } catch (DateTimeParseException again) {
                    throw new InvalidArgumentException(field, "must be Unix seconds or ISO-8601 with offset, got '"
                            + value + "'");
                }
            }
        }
        if (parsed.isBefore(EARLIEST) || !parsed.isBefore(BEYOND_LATEST)) {
            throw outOfRange(field, value);
        }
        return parsed;
    }

    private static InvalidArgumentException outOfRange(String field, String value) {
        return new InvalidArgumentException(field, "must lie between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z,"
                + " got '" + value + "'");
    }

    /**
     * @param field parameter name
     * @param value raw value, may be null
     * @param fallback value when absent
     * @return the boolean
     */
    public static boolean bool(String field, String value, boolean fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new InvalidArgumentException(field, "must be true or false, got '" + value + "'");
        };
    }

    /**
     * @param field parameter name
     * @param value an IANA zone id (region form, e.g. Europe/Brussels, or UTC)
     * @return the zone
     */
    public static ZoneId zone(String field, String value) {
        if (value != null && (ZoneId.getAvailableZoneIds().contains(value.trim()) || "UTC".equals(value.trim()))) {
            try {
                return ZoneId.of(value.trim());
            } catch (DateTimeException e) {
                // reported below
            }
        }
        throw new InvalidArgumentException(field, "must be an IANA time zone such as Europe/Brussels, got '" + value + "'");
    }

    /**
     * Encodes a pagination cursor (reading time and id of the last item).
     *
     * @param timestampMs reading time
     * @param id reading id
     * @return an opaque URL-safe token
     */
    public static String cursor(long timestampMs, long id) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((timestampMs + ":" + id).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * @param field parameter name
     * @param value a token from {@link #cursor}, may be null
     * @return {timestampMs, id}, or null when absent
     */
    public static long[] parseCursor(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(value.trim()), StandardCharsets.US_ASCII);
            int colon = text.indexOf(':');
            return new long[] {Long.parseLong(text.substring(0, colon)), Long.parseLong(text.substring(colon + 1))};
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new InvalidArgumentException(field, "is not a cursor returned by this API");
        }
    }
}
