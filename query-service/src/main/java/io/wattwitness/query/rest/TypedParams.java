package io.wattwitness.query.rest;

import io.wattwitness.query.service.ReadingCursor;
import io.wattwitness.query.service.TimeZones;
import io.wattwitness.query.service.energy.TimeFrame;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.function.Function;

/**
 * Converts the path and query parameters of {@code /api/v1} to typed values; a value it cannot convert is an
 * {@link InvalidParameterException} (400 problem naming the parameter, {@link ProblemMappers}). Empty optional
 * parameters convert to null (the resource's default); absent ones never reach a converter.
 * <ul>
 * <li>{@code long} / {@link Long}: an id, a positive integer ({@code must be a positive integer, got 'x'});</li>
 * <li>{@link Instant}: Unix seconds (integer or fractional, rounded to the millisecond) or ISO-8601 with offset,
 * from {@value #EARLIEST_TEXT} to {@value #LATEST_TEXT};</li>
 * <li>{@link ZoneId}: an IANA region id or {@code UTC} ({@link TimeZones});</li>
 * <li>{@link TimeFrame}: {@code hour}, {@code day}, {@code week}, {@code month} or {@code year}, any case;</li>
 * <li>{@link Boolean}: {@code true}/{@code 1}/{@code yes} or {@code false}/{@code 0}/{@code no}, any case;</li>
 * <li>{@link PageLimit}: an integer 1..{@value PageLimit#MAX};</li>
 * <li>{@link ReadingCursor}: a {@code next_cursor} token of an earlier page.</li>
 * </ul>
 * The parameter name in errors is the {@link ParamName} of the parameter, else its {@link PathParam} or
 * {@link QueryParam} name.
 */
@Provider
public class TypedParams implements ParamConverterProvider {

    static final String EARLIEST_TEXT = "1970-01-01T00:00:00Z";
    static final String LATEST_TEXT = "9999-12-31T23:59:59Z";
    /** Earliest instant a parameter may name: the Unix epoch (reading times are never earlier). */
    static final Instant EARLIEST = Instant.EPOCH;
    /** First instant a parameter may no longer name: year 10000, the end of four-digit ISO-8601 years. */
    static final Instant BEYOND_LATEST = Instant.parse("+10000-01-01T00:00:00Z");

    @Override
    @SuppressWarnings("unchecked")
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        String name = name(annotations);
        Function<String, ?> parse;
        if (rawType == long.class || rawType == Long.class) {
            parse = value -> positiveId(name, value);
        } else if (rawType == Instant.class) {
            parse = value -> blank(value) ? null : instant(name, value);
        } else if (rawType == ZoneId.class) {
            parse = value -> blank(value) ? null : TimeZones.parse(value)
                    .orElseThrow(() -> new InvalidParameterException(name, TimeZones.reason(value)));
        } else if (rawType == TimeFrame.class) {
            parse = value -> blank(value) ? null : TimeFrame.parse(value).orElseThrow(() -> new InvalidParameterException(
                    name, "must be one of hour, day, week, month, year; got '" + value + "'"));
        } else if (rawType == Boolean.class || rawType == boolean.class) {
            parse = value -> blank(value) ? null : bool(name, value);
        } else if (rawType == PageLimit.class) {
            parse = value -> blank(value) ? null : limit(name, value);
        } else if (rawType == ReadingCursor.class) {
            parse = value -> blank(value) ? null : cursor(name, value);
        } else {
            return null;
        }
        return new Converter<>((Function<String, T>) parse);
    }

    /**
     * @param field parameter name
     * @param value raw value
     * @return the id, a positive integer
     * @throws InvalidParameterException {@code <field>: must be a positive integer, got '<value>'}
     */
    public static long positiveId(String field, String value) {
        try {
            long id = Long.parseLong(value == null ? "" : value.trim());
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidParameterException(field, "must be a positive integer, got '" + value + "'");
    }

    static PageLimit limit(String field, String value) {
        try {
            int limit = Integer.parseInt(value.trim());
            if (limit >= 1 && limit <= PageLimit.MAX) {
                return new PageLimit(limit);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidParameterException(field, "must be an integer between 1 and " + PageLimit.MAX + ", got '"
                + value + "'");
    }

    static Instant instant(String field, String value) {
        String text = value.trim();
        Instant parsed = null;
        try {
            double seconds = Double.parseDouble(text);
            if (!Double.isFinite(seconds)) {
                throw new InvalidParameterException(field, "must be a finite number of Unix seconds, got '" + value + "'");
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
                    throw new InvalidParameterException(field, "must be Unix seconds or ISO-8601 with offset, got '"
                            + value + "'");
                }
            }
        }
        if (parsed.isBefore(EARLIEST) || !parsed.isBefore(BEYOND_LATEST)) {
            throw outOfRange(field, value);
        }
        return parsed;
    }

    private static InvalidParameterException outOfRange(String field, String value) {
        return new InvalidParameterException(field, "must lie between " + EARLIEST_TEXT + " and " + LATEST_TEXT
                + ", got '" + value + "'");
    }

    static boolean bool(String field, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new InvalidParameterException(field, "must be true or false, got '" + value + "'");
        };
    }

    static ReadingCursor cursor(String field, String value) {
        try {
            return ReadingCursor.decode(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException(field, "is not a cursor returned by this API");
        }
    }

    private static boolean blank(String value) {
        return value.isBlank();
    }

    private static String name(Annotation[] annotations) {
        String name = "parameter";
        for (Annotation annotation : annotations == null ? new Annotation[0] : annotations) {
            if (annotation instanceof ParamName named) {
                return named.value();
            } else if (annotation instanceof PathParam path) {
                name = path.value();
            } else if (annotation instanceof QueryParam query) {
                name = query.value();
            }
        }
        return name;
    }

    private record Converter<T>(Function<String, T> parse) implements ParamConverter<T> {

        @Override
        public T fromString(String value) {
            if (value == null) {
                throw new IllegalArgumentException("no value to convert");
            }
            return parse.apply(value);
        }

        @Override
        public String toString(T value) {
            return value instanceof ReadingCursor cursor ? cursor.encode() : String.valueOf(value);
        }
    }
}
