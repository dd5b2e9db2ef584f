package io.wattwitness.query.rest;

import static io.restassured.RestAssured.given;
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
import io.wattwitness.reading.ReadingFlags;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Register glitches through Kafka, the rollups, the readings API and the chart of every frame. The installations
 * have a capacity of 4,200 W ({@link TestData#installation}).
 */
@QuarkusTest
@QuarkusTestResource(QueryDatabaseTestResource.class)
@QuarkusTestResource(KafkaBrokerTestResource.class)
class RegisterGlitchApiTest {

    private static final ZoneId BRUSSELS = ZoneId.of("Europe/Brussels");

    @Inject
    EnergyService energy;

    private static long at(int day, int hour, int minute, int second) {
        return ZonedDateTime.of(2024, 6, day, hour, minute, second, 0, BRUSSELS).toInstant().toEpochMilli();
    }

    private static JsonPath chart(Device device, String frame, Instant end) {
        return given().queryParam("time_frame", frame).queryParam("end", end.toString())
                .get("/api/v1/readings/" + device.id() + "/chart").then().statusCode(200).extract().jsonPath();
    }

    /** register_state of the installation's readings, newest first. */
    private static List<String> states(Device device) {
        return given().queryParam("start", 0).get("/api/v1/readings/" + device.id()).then().statusCode(200)
                .extract().jsonPath().getList("readings.register_state", String.class);
    }

    private static void send(Device device, long seq, long timestampMs, long registerWh) {
        TestData.verified(device, seq, timestampMs, 0, registerWh * 1000);
    }

    private void awaitTotal(Device device, Instant end, double wh, List<String> states) {
        TestData.await(wh + " Wh and states " + states, 60,
                () -> chart(device, "hour", end).getDouble("total_energy") == wh && Objects.equals(states(device), states));
    }

    /** Every frame totals the same energy, and equals the chart computed from the raw readings. */
    private void assertEveryFrame(Device device, Instant end, double wh) {
        assertEveryFrame(device, end, wh, TimeFrame.HOUR);
    }

    /** Like {@link #assertEveryFrame(Device, Instant, double)}, from {@code shortest} on (its frame holds it all). */
    private void assertEveryFrame(Device device, Instant end, double wh, TimeFrame shortest) {
        for (TimeFrame frame : TimeFrame.values()) {
            JsonPath fromRollups = chart(device, frame.wire(), end);
            ChartView raw = energy.chartFromRaw(device.id(), frame, BRUSSELS, end).await().atMost(Duration.ofSeconds(30));
            if (frame.ordinal() >= shortest.ordinal()) {
                assertEquals(wh, fromRollups.getDouble("total_energy"), frame.wire());
                assertEquals(wh, raw.totalEnergy(), 1e-9, frame.wire() + " from raw readings");
            }
            assertEquals(raw.totalEnergy(), fromRollups.getDouble("total_energy"), 1e-3, frame.wire() + " total");
            List<Float> values = fromRollups.getList("data_points.value", Float.class);
            for (int i = 0; i < raw.dataPoints().size(); i++) {
                ChartPoint point = raw.dataPoints().get(i);
                assertEquals(point.value(), values.get(i), 1e-3, frame + " bucket " + point.label());
            }
        }
    }

    @Test
    void zeroForAFewSecondsIsAGlitchInTheApiAndEveryChart() {
        Device device = TestData.installation("Europe/Brussels");
        long t = at(12, 12, 0, 5);
        send(device, 0, t, 3_737);
        send(device, 1, t + 3_000, 0);
        send(device, 2, t + 13_000, 3_746);
        Instant end = Instant.ofEpochMilli(at(12, 12, 15, 0));
        awaitTotal(device, end, 9.0, Arrays.asList(null, "glitch", null));
        JsonPath day = chart(device, "day", end);
        assertEquals("12:00", day.getString("data_points[23].label"));
        assertEquals(9.0, day.getDouble("data_points[23].value"));
        assertFalse(day.getBoolean("data_points[23].estimated"));
        given().get("/api/v1/readings/latest/" + device.id()).then().statusCode(200)
                .body("register_state", org.hamcrest.Matchers.nullValue()).body("total_wh", org.hamcrest.Matchers.equalTo(3746.0f));
        assertEveryFrame(device, end, 9.0);
        assertEquals(1, TestData.queryLong("SELECT count(*) FROM readings WHERE installation_id = ? "
                + "AND register_state = 'glitch' AND energy_mwh = 0", device.id()));
    }

    @Test
    void glitchOfSeveralReadings() {
        Device device = TestData.installation("Europe/Brussels");
        long t = at(13, 12, 0, 5);
        long[] registers = {3_737, 0, 0, 2_000, 3_745, 3_750};
        for (int i = 0; i < registers.length; i++) {
            send(device, i, t + i * 10_000L, registers[i]);
        }
        Instant end = Instant.ofEpochMilli(at(13, 12, 15, 0));
        awaitTotal(device, end, 13.0, Arrays.asList(null, null, "glitch", "glitch", "glitch", null));
        assertEveryFrame(device, end, 13.0);
    }

    @Test
    void glitchOnABucketBoundary() {
        Device device = TestData.installation("Europe/Brussels");
        send(device, 0, at(14, 11, 59, 55), 3_737);
        send(device, 1, at(14, 12, 0, 0), 0);
        send(device, 2, at(14, 12, 0, 10), 3_746);
        Instant end = Instant.ofEpochMilli(at(14, 12, 15, 0));
        awaitTotal(device, end, 9.0, Arrays.asList(null, "glitch", null));
        JsonPath hour = chart(device, "hour", end);
        assertEquals(List.of("11:20", "11:30", "11:40", "11:50", "12:00", "12:10"), hour.getList("data_points.label"));
        // 9 Wh over the 15 s from 11:59:55 to 12:00:10: 5 s before the boundary, 10 s after
        assertEquals(3.0, hour.getDouble("data_points[3].value"));
        assertEquals(6.0, hour.getDouble("data_points[4].value"));
        JsonPath day = chart(device, "day", end);
        assertEquals(3.0, day.getDouble("data_points[22].value"));
        assertEquals(6.0, day.getDouble("data_points[23].value"));
        assertEveryFrame(device, end, 9.0);
    }

    @Test
    void restartRightAfterAGlitchIsHeldThenBooked() {
        Device device = TestData.installation("Europe/Brussels");
        long t = at(15, 12, 0, 5);
        send(device, 0, t, 3_737);
        send(device, 1, t + 3_000, 0);
        send(device, 2, t + 13_000, 3_746);
        send(device, 3, t + 23_000, 0);
        Instant end = Instant.ofEpochMilli(at(15, 12, 15, 0));
        // the second drop is undecided: held, nothing booked for it
        awaitTotal(device, end, 9.0, Arrays.asList("held", null, "glitch", null));
        send(device, 4, t + 33_000, 4);
        send(device, 5, t + 43_000, 9);
        // the register counts up from 0: a restart, 9 Wh after it
        awaitTotal(device, end, 18.0, Arrays.asList(null, null, null, null, "glitch", null));
        assertEveryFrame(device, end, 18.0);

        Device flagged = TestData.installation("Europe/Brussels");
        send(flagged, 0, t, 3_737);
        send(flagged, 1, t + 3_000, 0);
        send(flagged, 2, t + 13_000, 3_746);
        long id = TestData.storeReading(flagged, 1, 3, t + 23_000, 0, 0, 1 | ReadingFlags.REGISTER_RESTARTED, "verified");
        TestData.publishVerified(flagged, id, 1, 3, t + 23_000, 0, 0, "verified");
        send(flagged, 4, t + 33_000, 5);
        send(flagged, 5, t + 43_000, 12);
        awaitTotal(flagged, end, 21.0, Arrays.asList(null, null, null, null, "glitch", null));
        assertEveryFrame(flagged, end, 21.0);
    }

    @Test
    void glitchDuringAGap() {
        Device device = TestData.installation("Europe/Brussels");
        long t = at(16, 11, 0, 0);
        send(device, 0, t, 3_737);
        send(device, 1, t + 10_000, 0);
        send(device, 2, t + 2_400_000, 3_900);
        Instant end = Instant.ofEpochMilli(at(16, 11, 45, 0));
        awaitTotal(device, end, 163.0, Arrays.asList(null, "glitch", null));
        JsonPath hour = chart(device, "hour", end);
        assertEquals(List.of("10:50", "11:00", "11:10", "11:20", "11:30", "11:40"), hour.getList("data_points.label"));
        assertEquals(List.of(0.0f, 40.75f, 40.75f, 40.75f, 40.75f, 0.0f), hour.getList("data_points.value", Float.class));
        for (int i = 1; i <= 4; i++) {
            assertTrue(hour.getBoolean("data_points[" + i + "].estimated"), "bucket " + i);
        }
        assertEveryFrame(device, end, 163.0);
    }

    @Test
    void glitchReadingArrivingLateIsFlaggedAndBooksNothing() {
        Device device = TestData.installation("Europe/Brussels");
        long t = at(17, 12, 0, 5);
        send(device, 0, t, 3_737);
        send(device, 2, t + 13_000, 3_746);
        Instant end = Instant.ofEpochMilli(at(17, 12, 15, 0));
        awaitTotal(device, end, 9.0, Arrays.asList(null, null));
        // the 0 Wh reading between them arrives last
        send(device, 1, t + 3_000, 0);
        awaitTotal(device, end, 9.0, Arrays.asList(null, "glitch", null));
        assertEveryFrame(device, end, 9.0);
    }
    @Test
    void aGlitchLongerThanTheLookbackIsBookedOnceItIsDecided() {
        // an integration that reports 0 for 90 minutes (longer than the 1 h re-read before a recomputed range),
        // one reading a minute, each booked as it arrives; then the register is back at 3,746 Wh
        Device device = TestData.installation("Europe/Brussels");
        long t = at(18, 12, 0, 5);
        send(device, 0, t, 3_737);
        for (int i = 1; i <= 90; i++) {
            send(device, i, t + i * 60_000L, 0);
        }
        send(device, 91, t + 91 * 60_000L, 3_746);
        Instant end = Instant.ofEpochMilli(at(18, 13, 45, 0));
        List<String> expected = new ArrayList<>();
        expected.add(null);
        expected.addAll(Collections.nCopies(90, "glitch"));
        expected.add(null);
        TestData.await("9 Wh and 90 glitch readings", 60, () -> chart(device, "day", end).getDouble("total_energy")
                == 9.0 && Objects.equals(states(device), expected));
        // the 9 Wh are spread over the 91 minutes since the reading before the drop: more than the hour frame
        assertEveryFrame(device, end, 9.0, TimeFrame.DAY);
        assertEquals(0.0, chart(device, "day", end).getDouble("data_points[21].value"), "11:00, before the drop");
    }

    @Test
    void aLongHeldDropThatCountsUpIsARestartAndNothingStaysHeld() {
        // an unflagged drop to 0, 90 minutes at 0 (a night), then the register counts up from 0: a true restart
        Device device = TestData.installation("Europe/Brussels");
        long t = at(19, 4, 0, 5);
        send(device, 0, t, 3_737);
        for (int i = 1; i <= 90; i++) {
            send(device, i, t + i * 60_000L, 0);
        }
        send(device, 91, t + 91 * 60_000L, 2);
        send(device, 92, t + 92 * 60_000L, 5);
        Instant end = Instant.ofEpochMilli(at(19, 5, 45, 0));
        List<String> expected = Collections.nCopies(93, null);
        TestData.await("5 Wh and no held reading", 60, () -> chart(device, "day", end).getDouble("total_energy")
                == 5.0 && Objects.equals(states(device), expected));
        assertEveryFrame(device, end, 5.0, TimeFrame.DAY);
    }

    @Test
    void aLateReadingAboveTheRegisterThatFollowsItIsBookedOnce() {
        // 1,000 Wh at 12:09:40, 1,002 Wh at 12:09:59, 1,010 Wh at 12:10:10; then the reading of 12:09:50 arrives
        // late with 1,008 Wh: the 1,002 Wh after it is a decrease within rounding, so the mark the 12:10 reading is
        // measured from rises to 1,008 Wh, and the 12:10 bucket must be rebooked with it (10 Wh in all, not 15.45)
        Device device = TestData.installation("Europe/Brussels");
        send(device, 0, at(20, 12, 9, 40), 1_000);
        send(device, 2, at(20, 12, 9, 59), 1_002);
        send(device, 3, at(20, 12, 10, 10), 1_010);
        Instant end = Instant.ofEpochMilli(at(20, 12, 15, 0));
        awaitTotal(device, end, 10.0, Arrays.asList(null, null, null));
        send(device, 1, at(20, 12, 9, 50), 1_008);
        TestData.await("the late reading booked", 60,
                () -> chart(device, "hour", end).getDouble("data_points[4].value") > 8.0);
        JsonPath hour = chart(device, "hour", end);
        assertEquals("12:00", hour.getString("data_points[4].label"));
        assertEquals(8.181, hour.getDouble("data_points[4].value"), 1e-9);
        assertEquals(1.819, hour.getDouble("data_points[5].value"), 1e-9);
        assertEveryFrame(device, end, 10.0);
    }

    @Test
    void aLateReadingAboveEveryRegisterUntilALaterSlotRebooksUpToTheReadingBackAtIt() {
        // as above, but the register stays below the late 1,008 Wh for two more readings, the last in a later slot
        // than anything the late reading's neighbours reach: 1,004 Wh at 12:14:59, 1,010 Wh at 12:15:10
        Device device = TestData.installation("Europe/Brussels");
        send(device, 0, at(23, 12, 9, 40), 1_000);
        send(device, 2, at(23, 12, 9, 59), 1_002);
        send(device, 3, at(23, 12, 14, 59), 1_004);
        send(device, 4, at(23, 12, 15, 10), 1_010);
        Instant end = Instant.ofEpochMilli(at(23, 12, 25, 0));
        awaitTotal(device, end, 10.0, Arrays.asList(null, null, null, null));
        send(device, 1, at(23, 12, 9, 50), 1_008);
        TestData.await("the late reading booked", 60,
                () -> chart(device, "hour", end).getDouble("data_points[3].value") >= 8.0);
        JsonPath hour = chart(device, "hour", end);
        assertEquals("12:00", hour.getString("data_points[3].label"));
        assertEquals(2.0, hour.getDouble("data_points[4].value"), 1e-9, "12:10: 1,010 Wh over the 1,008 Wh mark");
        assertEveryFrame(device, end, 10.0);
    }

    @Test
    void withoutACapacityTheMetersOwnPowerTellsAStaleValueFromCountingUp() {
        // no capacity registered; the meter reports 3 kW throughout: 3,737 Wh, 0 Wh, a stale 2,000 Wh (2 kWh in
        // 10 s is far beyond what 3 kW produces), then 3,745 Wh: a glitch of two readings, 8 Wh
        Device device = TestData.installation("Europe/Brussels", null);
        long t = at(21, 12, 0, 5);
        long[] registers = {3_737, 0, 2_000, 3_745};
        for (int i = 0; i < registers.length; i++) {
            TestData.verified(device, i, t + i * 10_000L, 3_000_000, registers[i] * 1000);
        }
        Instant end = Instant.ofEpochMilli(at(21, 12, 15, 0));
        awaitTotal(device, end, 8.0, Arrays.asList(null, "glitch", "glitch", null));
        assertEveryFrame(device, end, 8.0);
    }

    @Test
    void aFlaggedRestartOfASmallRegisterIsARestart() {
        // a new meter at 5 Wh restarts (flagged 0 Wh), then counts 3 and 6 Wh: 6 Wh since the restart, not 1 Wh
        Device device = TestData.installation("Europe/Brussels");
        long t = at(22, 12, 0, 5);
        send(device, 0, t, 5);
        long id = TestData.storeReading(device, 1, 1, t + 10_000, 0, 0, 1 | ReadingFlags.REGISTER_RESTARTED,
                "verified");
        TestData.publishVerified(device, id, 1, 1, t + 10_000, 0, 0, "verified");
        send(device, 2, t + 20_000, 3);
        send(device, 3, t + 30_000, 6);
        Instant end = Instant.ofEpochMilli(at(22, 12, 15, 0));
        awaitTotal(device, end, 6.0, Arrays.asList(null, null, null, null));
        assertEveryFrame(device, end, 6.0);
    }

    /**
     * Sends readings {seconds from 12:10:00, register Wh} of a day in time order except the one at {@code late},
     * which arrives last; then the hour chart's 12:00 and 12:10 buckets, the day total and every frame must be those
     * of booking in time order (computed by hand in the callers).
     */
    private void lateReading(int day, long[][] readings, int late, List<String> states, double at1200, double at1210) {
        Device device = TestData.installation("Europe/Brussels");
        long boundary = at(day, 12, 10, 0);
        Instant end = Instant.ofEpochMilli(at(day, 12, 15, 0));
        double total = at1200 + at1210;
        List<String> before = new ArrayList<>(states);
        before.remove(states.size() - 1 - late);
        for (int i = 0; i < readings.length; i++) {
            if (i != late) {
                send(device, i, boundary + readings[i][0] * 1000, readings[i][1]);
            }
        }
        awaitTotal(device, end, total, before);
        send(device, late, boundary + readings[late][0] * 1000, readings[late][1]);
        TestData.await("the late reading booked", 60, () -> TestData.queryLong("SELECT coalesce(sum(reading_count), 0) FROM "
                + "energy_slots WHERE installation_id = ?", device.id()) == readings.length
                && Objects.equals(states(device), states));
        JsonPath hour = chart(device, "hour", end);
        assertEquals(List.of("11:20", "11:30", "11:40", "11:50", "12:00", "12:10"), hour.getList("data_points.label"));
        assertEquals(at1200, hour.getDouble("data_points[4].value"), 1e-9, "12:00");
        assertEquals(at1210, hour.getDouble("data_points[5].value"), 1e-9, "12:10");
        JsonPath dayChart = chart(device, "day", end);
        assertEquals(total, dayChart.getDouble("total_energy"), 1e-9);
        assertEveryFrame(device, end, total);
    }

    @Test
    void aLateReadingBeforeADropToZeroHeldPastItsSlotIsBookedAsInTimeOrder() {
        // 3,737 Wh at 12:09:15, the late 3,738 Wh at 12:09:25, 3,739 and 3,740 Wh, 0 Wh at 12:09:55 and 12:10:05,
        // back at 3,743 Wh at 12:10:15, 3,744 Wh at 12:10:25. By hand: 3 Wh up to 12:09:45; the glitch's 3 Wh over
        // 3,740 Wh spread over (12:09:45, 12:10:15], half before 12:10; 1 Wh after: 4.5 + 2.5 = 7 Wh = 3,744 - 3,737
        lateReading(24, new long[][] {{-45, 3_737}, {-35, 3_738}, {-25, 3_739}, {-15, 3_740}, {-5, 0}, {5, 0},
                {15, 3_743}, {25, 3_744}}, 1, Arrays.asList(null, null, "glitch", "glitch", null, null, null, null),
                4.5, 2.5);
    }

    @Test
    void aLateReadingBeforeAStaleLowValueAcrossTheSlotBoundaryIsBookedAsInTimeOrder() {
        // a stale 2,000 Wh from 12:09:55 to 12:10:15, back at 3,742 Wh at 12:10:25, 3,743 Wh at 12:10:35. By hand:
        // 3 Wh up to 12:09:45; 2 Wh over (12:09:45, 12:10:25], 15 of the 40 s before 12:10 (0.75 Wh); 1 Wh after:
        // 3.75 + 2.25 = 6 Wh = 3,743 - 3,737
        lateReading(25, new long[][] {{-45, 3_737}, {-35, 3_738}, {-25, 3_739}, {-15, 3_740}, {-5, 2_000},
                {5, 2_000}, {15, 2_000}, {25, 3_742}, {35, 3_743}}, 1,
                Arrays.asList(null, null, "glitch", "glitch", "glitch", null, null, null, null), 3.75, 2.25);
    }

    @Test
    void aLateReadingInsideAGlitchIsBookedAsInTimeOrder() {
        // 3,737 and 3,738 Wh, 0 Wh at 12:09:25 and the late 0 Wh at 12:09:35, back at 3,740 Wh, 3,741 Wh at
        // 12:09:55, 0 Wh at 12:10:05, back at 3,744 Wh at 12:10:15, 3,745 Wh. By hand: 1 + 2 + 1 Wh up to 12:09:55;
        // the second glitch's 3 Wh over (12:09:55, 12:10:15], a quarter before 12:10; 1 Wh after:
        // 4.75 + 3.25 = 8 Wh = 3,745 - 3,737
        lateReading(26, new long[][] {{-55, 3_737}, {-45, 3_738}, {-35, 0}, {-25, 0}, {-15, 3_740}, {-5, 3_741},
                {5, 0}, {15, 3_744}, {25, 3_745}}, 3,
                Arrays.asList(null, null, "glitch", null, null, "glitch", "glitch", null, null), 4.75, 3.25);
    }
}
