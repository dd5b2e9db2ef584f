package io.wattwitness.query.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.wattwitness.kafka.KafkaBrokerTestResource;
import io.wattwitness.query.QueryDatabaseTestResource;
import io.wattwitness.query.TestData;
import io.wattwitness.query.TestData.Device;
import io.wattwitness.query.rest.model.ChartPoint;
import io.wattwitness.query.rest.model.ChartView;
import io.wattwitness.query.service.EnergyService;
import io.wattwitness.query.service.energy.TimeFrame;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(QueryDatabaseTestResource.class)
@QuarkusTestResource(KafkaBrokerTestResource.class)
class EnergyApiTest {

    private static final ZoneId BRUSSELS = ZoneId.of("Europe/Brussels");

    @Inject
    EnergyService energy;

    private static JsonPath chart(Device device, String frame, Instant end) {
        return given().queryParam("time_frame", frame).queryParam("end", end.toString())
                .get("/api/v1/readings/" + device.id() + "/chart").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void rollupsFedThroughKafkaAnswerEveryTimeFrameWithRestartHandled() {
        Device device = TestData.installation("Europe/Brussels");
        // the 100 Wh counted in the 10 s after the restart below need 36 kW: a 40 kW installation, so the capacity
        // ceiling (4.2 kW would book at most 15.583 Wh of them) is not what this test is about
        try (java.sql.Connection connection = QueryDatabaseTestResource.connect();
                java.sql.PreparedStatement update = connection.prepareStatement(
                        "UPDATE installations SET capacity_w = 40000 WHERE id = ?")) {
            update.setLong(1, device.id());
            assertEquals(1, update.executeUpdate());
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        long start = ZonedDateTime.of(2024, 6, 10, 12, 0, 5, 0, BRUSSELS).toInstant().toEpochMilli();
        // 60 readings 10 s apart, +5 Wh each (295 Wh), then the meter restarts at 0 and counts 100 Wh
        for (int i = 0; i < 60; i++) {
            TestData.verified(device, i, start + i * 10_000L, 1_800_000, 1_000_000 + i * 5_000L);
        }
        TestData.verified(device, 60, start + 600_000, 600_000, 0);
        TestData.verified(device, 61, start + 610_000, 600_000, 100_000);

        Instant end = ZonedDateTime.of(2024, 6, 10, 12, 15, 0, 0, BRUSSELS).toInstant();
        TestData.await("rollups of 62 readings", 60, () -> chart(device, "hour", end).getDouble("total_energy") == 395.0);

        JsonPath hour = chart(device, "hour", end);
        assertEquals("Wh", hour.getString("unit"));
        assertEquals("hour", hour.getString("time_frame"));
        assertEquals("Europe/Brussels", hour.getString("timezone"));
        assertEquals(List.of("11:20", "11:30", "11:40", "11:50", "12:00", "12:10"), hour.getList("data_points.label"));
        assertEquals(295.0, hour.getDouble("data_points[4].value"));
        assertEquals(100.0, hour.getDouble("data_points[5].value"));
        assertEquals(ZonedDateTime.of(2024, 6, 10, 12, 0, 0, 0, BRUSSELS).toEpochSecond(),
                hour.getLong("data_points[4].timestamp"));
        assertFalse(hour.getBoolean("data_points[4].estimated"));

        JsonPath day = chart(device, "day", end);
        assertEquals(24, day.getList("data_points").size());
        assertEquals("12:00", day.getString("data_points[23].label"));
        assertEquals(395.0, day.getDouble("data_points[23].value"));
        assertEquals(395.0, day.getDouble("total_energy"));

        JsonPath week = chart(device, "week", end);
        assertEquals("2024-06-10", week.getString("data_points[6].label"));
        assertEquals(395.0, week.getDouble("data_points[6].value"));
        JsonPath month = chart(device, "month", end);
        assertEquals(30, month.getList("data_points").size());
        assertEquals(395.0, month.getDouble("total_energy"));
        JsonPath year = chart(device, "year", end);
        assertEquals(12, year.getList("data_points").size());
        assertEquals("2024-06", year.getString("data_points[11].label"));
        assertEquals(395.0, year.getDouble("data_points[11].value"));

        // every frame from rollups equals the same chart computed from raw readings
        for (TimeFrame frame : TimeFrame.values()) {
            ChartView raw = energy.chartFromRaw(device.id(), frame, BRUSSELS, end).await().atMost(Duration.ofSeconds(30));
            JsonPath fromRollups = chart(device, frame.wire(), end);
            List<Float> values = fromRollups.getList("data_points.value", Float.class);
            for (int i = 0; i < raw.dataPoints().size(); i++) {
                ChartPoint point = raw.dataPoints().get(i);
                assertEquals(point.value(), values.get(i), 1e-3, frame + " bucket " + point.label());
            }
        }

        given().get("/api/v1/installations/" + device.id() + "/summary").then().statusCode(200)
                .body("lifetime_energy_wh", equalTo(395.0f)).body("current_power_w", equalTo(600.0f))
                .body("last_reading_at", equalTo((int) ((start + 610_000) / 1000)))
                .body("first_reading_at", equalTo((int) (start / 1000))).body("boot", equalTo(1))
                .body("uptime_s", equalTo(610)).body("today_energy_wh", equalTo(0.0f))
                .body("timezone", equalTo("Europe/Brussels"));
    }

    @Test
    void lateReadingRecomputesTheGapItSplits() {
        Device device = TestData.installation("Europe/Brussels");
        long t0 = ZonedDateTime.of(2024, 6, 11, 10, 0, 0, 0, BRUSSELS).toInstant().toEpochMilli();
        TestData.verified(device, 0, t0, 100_000, 1_000_000);
        TestData.verified(device, 2, t0 + 1_200_000, 100_000, 1_120_000);
        Instant end = ZonedDateTime.of(2024, 6, 11, 10, 25, 0, 0, BRUSSELS).toInstant();
        TestData.await("gap spread", 60, () -> chart(device, "hour", end).getDouble("total_energy") == 120.0);
        JsonPath spread = chart(device, "hour", end);
        assertEquals(60.0, spread.getDouble("data_points[3].value"));
        assertEquals(60.0, spread.getDouble("data_points[4].value"));
        assertTrue(spread.getBoolean("data_points[3].estimated"));

        // the reading of 10:05 arrives late: 100 Wh happened before it, 20 Wh after
        TestData.verified(device, 1, t0 + 300_000, 100_000, 1_100_000);
        TestData.await("late reading", 60, () -> Math.abs(chart(device, "hour", end).getDouble("data_points[3].value") - 106.666) < 1e-3);
        JsonPath after = chart(device, "hour", end);
        assertEquals(13.334, after.getDouble("data_points[4].value"), 1e-3);
        assertEquals(120.0, after.getDouble("total_energy"));

        // re-delivery changes nothing (idempotent)
        long id = TestData.queryLong("SELECT id FROM readings WHERE installation_id = ? AND seq = 1", device.id());
        TestData.publishVerified(device, id, 1, 1, t0 + 300_000, 100_000, 1_100_000, "verified");
        TestData.verified(device, 3, t0 + 1_500_000, 100_000, 1_120_000);
        TestData.await("next reading", 60, () -> chart(device, "hour", end).getDouble("data_points[5].value") == 0.0
                && TestData.queryLong("SELECT count(*) FROM energy_slots WHERE installation_id = ? AND reading_count > 0",
                        device.id()) == 4);
        assertEquals(106.666, chart(device, "hour", end).getDouble("data_points[3].value"), 1e-3);
    }

    @Test
    void dstDaysViaTheApi() {
        Device stockholm = TestData.installation("Europe/Stockholm");
        JsonPath day = chart(stockholm, "day", Instant.parse("2023-03-26T21:30:00Z"));
        assertEquals(24, day.getList("data_points").size());
        assertFalse(day.getList("data_points.label").contains("02:00"));
        JsonPath week = given().queryParam("time_frame", "week").queryParam("end", "2015-10-26T12:00:00Z")
                .queryParam("tz", "Europe/Brussels").get("/api/v1/readings/" + stockholm.id() + "/chart")
                .then().statusCode(200).body("timezone", equalTo("Europe/Brussels")).extract().jsonPath();
        assertEquals("2015-10-25", week.getString("data_points[5].label"));
        assertEquals(25 * 3600L, week.getLong("data_points[6].timestamp") - week.getLong("data_points[5].timestamp"));
    }

    @Test
    void chartParametersAreValidated() {
        Device device = TestData.installation("UTC");
        String path = "/api/v1/readings/" + device.id() + "/chart";
        given().queryParam("time_frame", "decade").get(path).then().statusCode(400)
                .contentType("application/problem+json").body("field", equalTo("time_frame"));
        given().queryParam("tz", "Mars/Olympus").get(path).then().statusCode(400).body("field", equalTo("tz"));
        given().queryParam("end", "soon").get(path).then().statusCode(400).body("field", equalTo("end"));
        // outside 1970..9999 (these overflowed into a 500 or answered with labels of year 318856)
        for (String end : List.of("+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "9999999999999",
                "-9999999999999", "-1", "+10000-01-01T00:00:00Z", "1e300", "NaN")) {
            given().queryParam("end", end).get(path).then().statusCode(400)
                    .contentType("application/problem+json").body("field", equalTo("end"));
        }
        given().queryParam("time_frame", "year").queryParam("end", "9999-12-31T23:59:59Z").get(path).then()
                .statusCode(200).body("data_points", hasSize(12));
        given().get("/api/v1/readings/123456789/chart").then().statusCode(404);
        given().get(path).then().statusCode(200).body("time_frame", equalTo("day")).body("data_points", hasSize(24))
                .body("total_energy", equalTo(0.0f));
        given().get("/api/v1/installations/" + device.id() + "/summary").then().statusCode(200)
                .body("current_power_w", equalTo(null)).body("lifetime_energy_wh", equalTo(0.0f));
        given().get("/api/v1/installations/nope/summary").then().statusCode(400);
    }
}
