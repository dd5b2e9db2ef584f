package io.wattwitness.query.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.wattwitness.kafka.KafkaBrokerTestResource;
import io.wattwitness.query.QueryDatabaseTestResource;
import io.wattwitness.query.rest.model.PendingReading;
import io.wattwitness.query.rest.model.PendingView;
import io.wattwitness.query.service.ReadingCursor;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The typed parameters of {@code /api/v1} ({@link TypedParams}): every value that does not convert is a 400
 * {@code application/problem+json} with the exact detail and field; values that convert reach the service (an
 * unknown installation then answers 404).
 */
@QuarkusTest
@QuarkusTestResource(QueryDatabaseTestResource.class)
@QuarkusTestResource(KafkaBrokerTestResource.class)
class TypedParamsApiTest {

    private static final long UNKNOWN = 987_654_321_098L;

    @Inject
    ObjectMapper mapper;

    private static void invalid(RequestSpecification request, String path, String field, String detail) {
        request.get(path).then().statusCode(400).contentType("application/problem+json")
                .body("", equalTo(Map.of("type", "about:blank", "title", "Invalid request", "status", 400,
                        "detail", detail, "field", field)));
    }

    private static void invalid(String path, String field, String detail) {
        invalid(given(), path, field, detail);
    }

    @Test
    void badIdsAre400NamingTheParameter() {
        invalid("/api/v1/batches/first", "id", "id: must be a positive integer, got 'first'");
        invalid("/api/v1/batches/0", "id", "id: must be a positive integer, got '0'");
        invalid("/api/v1/batches/-3", "id", "id: must be a positive integer, got '-3'");
        invalid("/api/v1/batches/99999999999999999999", "id",
                "id: must be a positive integer, got '99999999999999999999'");
        invalid("/api/v1/batches/1/proof/x", "reading_id", "reading_id: must be a positive integer, got 'x'");
        invalid("/api/v1/installations/abc", "installation_id", "installation_id: must be a positive integer, got 'abc'");
        invalid("/api/v1/installations/1.5/summary", "installation_id",
                "installation_id: must be a positive integer, got '1.5'");
        invalid("/api/v1/installations/x/status", "installation_id", "installation_id: must be a positive integer, got 'x'");
        invalid("/api/v1/readings/x1", "installation_id", "installation_id: must be a positive integer, got 'x1'");
        invalid("/api/v1/readings/latest/0", "installation_id", "installation_id: must be a positive integer, got '0'");
        invalid("/api/v1/readings/x1/chart", "installation_id", "installation_id: must be a positive integer, got 'x1'");
        invalid("/api/v1/readings/x1/quarantine", "installation_id",
                "installation_id: must be a positive integer, got 'x1'");
        invalid(given().accept("text/event-stream"), "/api/v1/readings/x1/stream", "installation_id",
                "installation_id: must be a positive integer, got 'x1'");
    }

    @Test
    void badInstantsAre400WithTheAcceptedForms() {
        String path = "/api/v1/readings/" + UNKNOWN;
        invalid(given().queryParam("start", "yesterday"), path, "start",
                "start: must be Unix seconds or ISO-8601 with offset, got 'yesterday'");
        invalid(given().queryParam("end", "2026-12-06T10:00"), path, "end",
                "end: must be Unix seconds or ISO-8601 with offset, got '2026-12-06T10:00'");
        invalid(given().queryParam("start", "NaN"), path, "start",
                "start: must be a finite number of Unix seconds, got 'NaN'");
        invalid(given().queryParam("start", "-1"), path, "start",
                "start: must lie between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z, got '-1'");
        invalid(given().queryParam("end", "1e15"), path, "end",
                "end: must lie between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z, got '1e15'");
        invalid(given().queryParam("end", "+10000-01-01T00:00:00Z"), path + "/chart", "end",
                "end: must lie between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z, got '+10000-01-01T00:00:00Z'");
        // both instants convert, the service then refuses the order
        invalid(given().queryParam("start", "200").queryParam("end", "100"), path, "end", "end: must not be before start");
    }

    @Test
    void badLimitsFlagsCursorsFramesAndZonesAre400() {
        String path = "/api/v1/readings/" + UNKNOWN;
        invalid(given().queryParam("limit", "5000"), "/api/v1/readings/pending", "limit",
                "limit: must be an integer between 1 and 1000, got '5000'");
        invalid(given().queryParam("limit", "0"), path, "limit", "limit: must be an integer between 1 and 1000, got '0'");
        invalid(given().queryParam("limit", "many"), path + "/quarantine", "limit",
                "limit: must be an integer between 1 and 1000, got 'many'");
        invalid(given().queryParam("verified_only", "maybe"), path, "verified_only",
                "verified_only: must be true or false, got 'maybe'");
        invalid(given().queryParam("cursor", "%%%"), path, "cursor", "cursor: is not a cursor returned by this API");
        invalid(given().queryParam("cursor", "MTIz"), path, "cursor", "cursor: is not a cursor returned by this API");
        invalid(given().queryParam("time_frame", "decade"), path + "/chart", "time_frame",
                "time_frame: must be one of hour, day, week, month, year; got 'decade'");
        invalid(given().queryParam("tz", "Mars/Olympus"), path + "/chart", "tz",
                "tz: must be an IANA time zone such as Europe/Brussels, got 'Mars/Olympus'");
        invalid(given().queryParam("tz", "+02:00"), path + "/chart", "tz",
                "tz: must be an IANA time zone such as Europe/Brussels, got '+02:00'");
    }

    @Test
    void convertedParametersReachTheService() {
        String path = "/api/v1/readings/" + UNKNOWN;
        String missing = "installation " + UNKNOWN + " does not exist";
        String cursor = new ReadingCursor(1_700_000_000_000L, 42).encode();
        assertEquals("MTcwMDAwMDAwMDAwMDo0Mg", cursor);
        given().queryParam("start", "1700000000.5").queryParam("end", "2026-12-06T10:00:00+01:00")
                .queryParam("verified_only", "NO").queryParam("limit", "1000").queryParam("cursor", cursor)
                .get(path).then().statusCode(404).contentType("application/problem+json")
                .body("title", equalTo("Not found")).body("detail", equalTo(missing));
        // empty optional parameters take their defaults
        given().queryParam("start", "").queryParam("limit", "").queryParam("verified_only", "").queryParam("cursor", "")
                .get(path).then().statusCode(404).body("detail", equalTo(missing));
        given().queryParam("time_frame", "YEAR").queryParam("tz", "Europe/Brussels").queryParam("end", "0")
                .get(path + "/chart").then().statusCode(404).body("detail", equalTo(missing));
        given().get("/api/v1/installations/" + UNKNOWN + "/summary").then().statusCode(404).body("detail", equalTo(missing));
        given().get("/api/v1/readings/pending?limit=").then().statusCode(200);
    }

    @Test
    void pendingReadingsAreWrittenAsArrays() throws Exception {
        PendingView view = new PendingView(List.of(new PendingReading(42, 1234.5, 3737.0, 1_700_000_000L, "ab12"),
                new PendingReading(43, 0.0, 3737.25, 1_700_000_010L, "cd34")), 42L, 43L, 2);
        assertEquals("{\"readings\":[[42,1234.5,3737.0,1700000000,\"ab12\"],[43,0.0,3737.25,1700000010,\"cd34\"]],"
                + "\"first_reading_id\":42,\"last_reading_id\":43,\"count\":2}", mapper.writeValueAsString(view));
        assertEquals("{\"readings\":[],\"first_reading_id\":null,\"last_reading_id\":null,\"count\":0}",
                mapper.writeValueAsString(new PendingView(List.of(), null, null, 0)));
    }

    @Test
    void openApiDescribesTheTypedParameters() {
        JsonPath doc = given().get("/q/openapi?format=json").then().statusCode(200).extract()
                .jsonPath();
        String chart = "paths.'/api/v1/readings/{installation_id}/chart'.get.parameters";
        assertEquals(List.of("installation_id", "end", "time_frame", "tz"), doc.getList(chart + ".name"));
        assertEquals(Map.of("type", "integer", "format", "int64"), doc.getMap(chart + "[0].schema"));
        assertEquals(Map.of("type", "string", "description",
                "Unix seconds (integer or fractional) or ISO-8601 with offset, 1970 to 9999"), doc.getMap(chart + "[1].schema"));
        assertEquals(Map.of("type", "string", "enum", List.of("hour", "day", "week", "month", "year"), "default", "day"),
                doc.getMap(chart + "[2].schema"));
        assertEquals(Map.of("type", "string", "description", "IANA time zone, e.g. Europe/Brussels"),
                doc.getMap(chart + "[3].schema"));
        assertEquals(Map.of("type", "integer", "format", "int32", "minimum", 1, "maximum", 1000, "default", 100),
                doc.getMap("components.schemas.PageLimit"));
        assertEquals(Map.of("type", "array", "minItems", 5, "maxItems", 5,
                "description", "[id, power_w (W), total_wh (Wh), timestamp (Unix s), signature (128 hex)]"),
                doc.getMap("components.schemas.PendingReading"));
    }
}
