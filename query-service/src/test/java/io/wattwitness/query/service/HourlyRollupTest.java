package io.wattwitness.query.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wattwitness.kafka.KafkaBrokerTestResource;
import io.wattwitness.query.QueryDatabaseTestResource;
import io.wattwitness.query.TestData;
import io.wattwitness.query.TestData.Device;
import io.wattwitness.query.rest.model.ChartView;
import io.wattwitness.query.service.energy.TimeFrame;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hourly rollups ({@code energy_hours}) against the 5-minute slots and the raw readings: week, month and year
 * charts read through the hours equal the slot sums bucket by bucket, in zones offset by whole hours (with a DST
 * change day), by 45 minutes (Asia/Kathmandu) and by 30 minutes (Australia/Adelaide, DST too).
 * <p>
 * Readings every 15 minutes from 2024-10-20 00:00 UTC to 2024-11-05 00:00 UTC, the register rising 3 Wh each time:
 * 12 Wh per hour, 1 Wh per slot, spread exactly (each 15-minute interval is a gap of three whole slots).
 */
@QuarkusTest
@QuarkusTestResource(QueryDatabaseTestResource.class)
@QuarkusTestResource(KafkaBrokerTestResource.class)
class HourlyRollupTest {

    private static final long START = Instant.parse("2024-10-20T00:00:00Z").toEpochMilli();
    private static final long END = Instant.parse("2024-11-05T00:00:00Z").toEpochMilli();
    private static final long QUARTER = 900_000;
    private static final Instant YEAR_END = Instant.parse("2024-11-10T12:00:00Z");
    private static final Instant WEEK_END = Instant.parse("2024-10-28T12:00:00Z");
    private static final List<ZoneId> ZONES = List.of(ZoneId.of("Europe/Brussels"), ZoneId.of("Asia/Kathmandu"),
            ZoneId.of("Australia/Adelaide"), ZoneId.of("UTC"), ZoneId.of("Asia/Kolkata"));

    @Inject
    EnergyService energy;

    private static long registerMwh(long ms) {
        return 3_737_000 + (ms - START) / QUARTER * 3_000;
    }

    private ChartView await(io.smallrye.mutiny.Uni<ChartView> chart) {
        return chart.await().atMost(Duration.ofSeconds(60));
    }

    /** Every week, month and year bucket through the hours equals the slot sum and the raw-reading chart. */
    private void assertHoursEqualSlots(Device device, Instant end) {
        for (ZoneId zone : ZONES) {
            for (TimeFrame frame : List.of(TimeFrame.WEEK, TimeFrame.MONTH, TimeFrame.YEAR)) {
                ChartView byHours = await(energy.chartOf(device.id(), frame, zone, end));
                ChartView bySlots = await(energy.chartFromSlots(device.id(), frame, zone, end));
                ChartView raw = await(energy.chartFromRaw(device.id(), frame, zone, end));
                String what = zone + " " + frame.wire() + " ending " + end;
                assertEquals(bySlots.dataPoints(), byHours.dataPoints(), what);
                assertEquals(bySlots.totalEnergy(), byHours.totalEnergy(), 0.0, what);
                assertEquals(raw.dataPoints().size(), byHours.dataPoints().size(), what);
                for (int i = 0; i < raw.dataPoints().size(); i++) {
                    assertEquals(raw.dataPoints().get(i).value(), byHours.dataPoints().get(i).value(), 1e-9,
                            what + " bucket " + raw.dataPoints().get(i).label());
                }
            }
        }
    }

    private double month(Device device, String zone, String label) {
        ChartView year = await(energy.chartOf(device.id(), TimeFrame.YEAR, ZoneId.of(zone), YEAR_END));
        return year.dataPoints().stream().filter(p -> p.label().equals(label)).findFirst().orElseThrow().value();
    }

    @Test
    void weekMonthAndYearFromHoursEqualTheSlotsInEveryZone() throws SQLException {
        Device device = TestData.installation("Europe/Brussels");
        try (Connection connection = QueryDatabaseTestResource.connect()) {
            long seq = 0;
            for (long ms = START; ms <= END; ms += QUARTER) {
                TestData.storeReading(connection, device, 1, seq++, ms, 0, registerMwh(ms), 1, "verified");
            }
        }
        energy.rebuild(device.id(), START, END).await().atMost(Duration.ofMinutes(2));
        // 16 days of hours, each the sum of its twelve slots (12 Wh), and the hour of the last reading (0 Wh)
        assertEquals(385, TestData.queryLong("SELECT count(*) FROM energy_hours WHERE installation_id = ?", device.id()));
        assertEquals(0, TestData.queryLong("SELECT count(*) FROM energy_hours h WHERE installation_id = ? AND "
                + "energy_mwh <> (SELECT sum(energy_mwh) FROM energy_slots s WHERE s.installation_id = h.installation_id "
                + "AND s.slot_ms >= h.hour_ms AND s.slot_ms < h.hour_ms + 3600000)", device.id()));
        assertEquals(384 * 12_000, TestData.queryLong("SELECT sum(energy_mwh) FROM energy_hours WHERE installation_id = ?",
                device.id()));

        // by hand, 12 Wh per hour from 2024-10-20 00:00 UTC to 2024-11-05 00:00 UTC (4,608 Wh):
        // Brussels: October ends 2024-10-31 23:00 UTC (CET): 287 h = 3,444 Wh, November 97 h = 1,164 Wh
        assertEquals(3_444.0, month(device, "Europe/Brussels", "2024-10"));
        assertEquals(1_164.0, month(device, "Europe/Brussels", "2024-11"));
        // Kathmandu (+05:45): October ends 2024-10-31 18:15 UTC: 282.25 h = 3,387 Wh, November 101.75 h = 1,221 Wh
        assertEquals(3_387.0, month(device, "Asia/Kathmandu", "2024-10"));
        assertEquals(1_221.0, month(device, "Asia/Kathmandu", "2024-11"));
        // Adelaide (+10:30 since 6 October): October ends 2024-10-31 13:30 UTC: 277.5 h = 3,330 Wh, November 1,278 Wh
        assertEquals(3_330.0, month(device, "Australia/Adelaide", "2024-10"));
        assertEquals(1_278.0, month(device, "Australia/Adelaide", "2024-11"));
        // Brussels' 27 October has 25 hours (CEST to CET): 300 Wh; the days around it 288 Wh
        ChartView week = await(energy.chartOf(device.id(), TimeFrame.WEEK, ZoneId.of("Europe/Brussels"), WEEK_END));
        assertEquals(List.of(288.0, 288.0, 288.0, 288.0, 288.0, 300.0, 288.0),
                week.dataPoints().stream().map(p -> p.value()).toList());
        assertEquals(2_028.0, week.totalEnergy());
        // Kathmandu's days run from 18:15 UTC to 18:15 UTC: 288 Wh each
        ChartView nepal = await(energy.chartOf(device.id(), TimeFrame.WEEK, ZoneId.of("Asia/Kathmandu"), WEEK_END));
        assertEquals(List.of(288.0, 288.0, 288.0, 288.0, 288.0, 288.0, 288.0),
                nepal.dataPoints().stream().map(p -> p.value()).toList());
        assertHoursEqualSlots(device, YEAR_END);
        assertHoursEqualSlots(device, WEEK_END);
        assertHoursEqualSlots(device, Instant.parse("2024-10-31T18:20:00Z"));

        // a refresh rewrites the hours in its transaction: the reading of 2024-10-31 18:15 UTC (Kathmandu's month
        // boundary) disputed, a reading at 18:20 UTC 5 Wh above the one of 18:00 arriving late: 18:00-18:20 books 5 Wh
        // over four slots (1.25 Wh each, three of them in October in Kathmandu), 18:20-18:30 1 Wh
        long boundary = Instant.parse("2024-10-31T18:15:00Z").toEpochMilli();
        try (Connection connection = QueryDatabaseTestResource.connect();
                java.sql.PreparedStatement dispute = connection.prepareStatement(
                        "UPDATE readings SET status = 'disputed', verification_error = 'test: disputed' "
                                + "WHERE installation_id = ? AND timestamp_ms = ?")) {
            dispute.setLong(1, device.id());
            dispute.setLong(2, boundary);
            assertEquals(1, dispute.executeUpdate());
        }
        energy.refresh(device.id(), boundary).await().atMost(Duration.ofSeconds(60));
        long late = boundary + 300_000;
        TestData.storeReading(device, 1, 10_000, late, 0, registerMwh(boundary - QUARTER) + 5_000, 1, "verified");
        energy.refresh(device.id(), late).await().atMost(Duration.ofSeconds(60));
        assertEquals(3_387.75, month(device, "Asia/Kathmandu", "2024-10"));
        assertEquals(1_220.25, month(device, "Asia/Kathmandu", "2024-11"));
        assertEquals(3_444.0, month(device, "Europe/Brussels", "2024-10"));
        assertEquals(12_000, TestData.queryLong("SELECT energy_mwh FROM energy_hours WHERE installation_id = ? "
                + "AND hour_ms = " + (boundary - QUARTER), device.id()));
        assertHoursEqualSlots(device, YEAR_END);
        assertHoursEqualSlots(device, Instant.parse("2024-11-01T00:00:00Z"));
    }
}
