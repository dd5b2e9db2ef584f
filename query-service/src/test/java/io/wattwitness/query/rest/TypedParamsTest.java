package io.wattwitness.query.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.wattwitness.query.service.ReadingCursor;
import io.wattwitness.query.service.energy.TimeFrame;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.ext.ParamConverter;
import java.lang.annotation.Annotation;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The conversions of {@link TypedParams} without a server: exact values and exact errors. */
class TypedParamsTest {

    private final TypedParams provider = new TypedParams();

    /** Parameter annotations as the server hands them over, e.g. of {@code @QueryParam("end") Instant end}. */
    private static Annotation[] query(String name) {
        return new Annotation[] {new QueryParam() {
            @Override
            public String value() {
                return name;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return QueryParam.class;
            }
        }};
    }

    private static Annotation[] path(String name, String reported) {
        Annotation pathParam = new PathParam() {
            @Override
            public String value() {
                return name;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return PathParam.class;
            }
        };
        if (reported == null) {
            return new Annotation[] {pathParam};
        }
        return new Annotation[] {pathParam, new ParamName() {
            @Override
            public String value() {
                return reported;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return ParamName.class;
            }
        }};
    }

    private <T> T convert(Class<T> type, Annotation[] annotations, String value) {
        return provider.getConverter(type, type, annotations).fromString(value);
    }

    private <T> void refused(Class<T> type, Annotation[] annotations, String value, String field, String detail) {
        InvalidParameterException failure = assertThrows(InvalidParameterException.class,
                () -> convert(type, annotations, value));
        assertEquals(field, failure.field());
        assertEquals(detail, failure.getMessage());
        assertEquals(400, failure.getResponse().getStatus());
    }

    @Test
    void idsArePositiveLongs() {
        assertEquals(42L, convert(long.class, path("id", null), "42"));
        assertEquals(9_223_372_036_854_775_807L, convert(Long.class, path("id", null), " 9223372036854775807 "));
        refused(long.class, path("id", null), "0", "id", "id: must be a positive integer, got '0'");
        refused(long.class, path("id", "installation_id"), "abc", "installation_id",
                "installation_id: must be a positive integer, got 'abc'");
        refused(long.class, path("id", null), "9223372036854775808", "id",
                "id: must be a positive integer, got '9223372036854775808'");
    }

    @Test
    void instantsAreUnixSecondsOrIsoWithOffset() {
        assertEquals(Instant.ofEpochMilli(1_700_000_000_500L), convert(Instant.class, query("end"), "1700000000.5"));
        assertEquals(Instant.ofEpochMilli(1_700_000_000_001L), convert(Instant.class, query("end"), "1700000000.0006"));
        assertEquals(Instant.EPOCH, convert(Instant.class, query("start"), "0"));
        assertEquals(Instant.parse("2026-12-06T09:00:00Z"), convert(Instant.class, query("end"), "2026-12-06T10:00:00+01:00"));
        assertEquals(Instant.parse("9999-12-31T23:59:59.999Z"),
                convert(Instant.class, query("end"), "9999-12-31T23:59:59.999Z"));
        assertNull(convert(Instant.class, query("end"), " "));
        refused(Instant.class, query("start"), "1969-12-31T23:59:59Z", "start",
                "start: must lie between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z, got '1969-12-31T23:59:59Z'");
        refused(Instant.class, query("end"), "Infinity", "end", "end: must be a finite number of Unix seconds, got 'Infinity'");
        refused(Instant.class, query("end"), "2026-12-06", "end",
                "end: must be Unix seconds or ISO-8601 with offset, got '2026-12-06'");
    }

    @Test
    void limitsFlagsFramesZonesAndCursors() {
        assertEquals(new PageLimit(7), convert(PageLimit.class, query("limit"), " 7 "));
        assertEquals(new PageLimit(1000), convert(PageLimit.class, query("limit"), "1000"));
        assertNull(convert(PageLimit.class, query("limit"), ""));
        assertEquals(100, PageLimit.orDefault(null));
        refused(PageLimit.class, query("limit"), "1001", "limit", "limit: must be an integer between 1 and 1000, got '1001'");
        assertEquals(Boolean.TRUE, convert(Boolean.class, query("verified_only"), "Yes"));
        assertEquals(Boolean.FALSE, convert(Boolean.class, query("verified_only"), "0"));
        refused(Boolean.class, query("verified_only"), "y", "verified_only", "verified_only: must be true or false, got 'y'");
        assertEquals(TimeFrame.MONTH, convert(TimeFrame.class, query("time_frame"), "Month"));
        refused(TimeFrame.class, query("time_frame"), "days", "time_frame",
                "time_frame: must be one of hour, day, week, month, year; got 'days'");
        assertEquals(ZoneId.of("Europe/Brussels"), convert(ZoneId.class, query("tz"), "Europe/Brussels"));
        assertEquals(ZoneId.of("UTC"), convert(ZoneId.class, query("tz"), "UTC"));
        refused(ZoneId.class, query("tz"), "GMT+2", "tz", "tz: must be an IANA time zone such as Europe/Brussels, got 'GMT+2'");
        ReadingCursor cursor = new ReadingCursor(1_765_000_000_123L, 987);
        assertEquals("MTc2NTAwMDAwMDEyMzo5ODc", cursor.encode());
        assertEquals(cursor, convert(ReadingCursor.class, query("cursor"), "MTc2NTAwMDAwMDEyMzo5ODc"));
        refused(ReadingCursor.class, query("cursor"), "MTIz", "cursor", "cursor: is not a cursor returned by this API");
        refused(ReadingCursor.class, query("cursor"), "OmE", "cursor", "cursor: is not a cursor returned by this API");
    }

    @Test
    void otherTypesAreLeftToTheServer() {
        ParamConverter<String> none = provider.getConverter(String.class, String.class, query("name"));
        assertNull(none);
    }
}
