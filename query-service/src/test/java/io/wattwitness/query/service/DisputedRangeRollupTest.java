package io.wattwitness.query.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wattwitness.kafka.KafkaBrokerTestResource;
import io.wattwitness.query.QueryDatabaseTestResource;
import io.wattwitness.query.TestData;
import io.wattwitness.query.TestData.Device;
import io.wattwitness.query.repository.EnergySlotRepository;
import io.wattwitness.query.rest.model.ChartView;
import io.wattwitness.query.service.energy.TimeFrame;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/**
 * A range rebooked with no counted reading left in it (its readings disputed for equivocation): its slots are
 * deleted and its hours ({@code energy_hours}) follow them, so the week, month and year charts and the lifetime
 * total (read through the hours) agree with the day chart (read through the slots).
 * <p>
 * Readings at 2024-10-20 10:00, 10:15 and 10:30 UTC, the register rising 3 Wh each time: 6 Wh in the 10:00 hour.
 */
@QuarkusTest
@QuarkusTestResource(QueryDatabaseTestResource.class)
@QuarkusTestResource(KafkaBrokerTestResource.class)
class DisputedRangeRollupTest {

    private static final long T0 = Instant.parse("2024-10-20T10:00:00Z").toEpochMilli();
    private static final long QUARTER = 900_000;
    private static final long HOUR = 3_600_000;
    private static final Instant END = Instant.parse("2024-10-20T12:00:00Z");
    private static final ZoneId UTC = ZoneId.of("UTC");

    @Inject
    EnergyService energy;

    @Inject
    EnergySlotRepository slots;

    private ChartView chart(Device device, TimeFrame frame) {
        return energy.chartOf(device.id(), frame, UTC, END).await().atMost(Duration.ofSeconds(60));
    }

    private static long hoursTotal(Device device) {
        return TestData.queryLong("SELECT coalesce(sum(energy_mwh), 0) FROM energy_hours WHERE installation_id = ?",
                device.id());
    }

    /** Hours whose energy differs from the sum of their slots (no slot: 0). */
    private static long hoursDifferingFromSlots(Device device) {
        return TestData.queryLong("SELECT count(*) FROM energy_hours h WHERE installation_id = ? AND energy_mwh <> "
                + "(SELECT coalesce(sum(energy_mwh), 0) FROM energy_slots s WHERE s.installation_id = h.installation_id "
                + "AND s.slot_ms >= h.hour_ms AND s.slot_ms < h.hour_ms + 3600000)", device.id());
    }

    private long lifetime(Device device) {
        return slots.totalSince(device.id(), Long.MIN_VALUE).await().atMost(Duration.ofSeconds(60));
    }

    @Test
    void hoursFollowARangeLeftWithoutCountedReadings() throws SQLException {
        Device device = TestData.installation("UTC");
        try (Connection connection = QueryDatabaseTestResource.connect()) {
            for (int i = 0; i < 3; i++) {
                TestData.storeReading(connection, device, 1, i, T0 + i * QUARTER, 0, 2_000_000 + i * 3_000L, 1,
                        "verified");
            }
        }
        energy.rebuild(device.id(), T0, T0 + HOUR).await().atMost(Duration.ofSeconds(60));
        assertEquals(6_000, hoursTotal(device));
        assertEquals(0, hoursDifferingFromSlots(device));
        assertEquals(6_000, lifetime(device));
        assertEquals(6.0, chart(device, TimeFrame.DAY).totalEnergy());
        assertEquals(6.0, chart(device, TimeFrame.YEAR).totalEnergy());

        // every reading disputed (the device signed conflicting readings), the hour rebooked: nothing counts any more
        try (Connection connection = QueryDatabaseTestResource.connect();
                PreparedStatement dispute = connection.prepareStatement(
                        "UPDATE readings SET status = 'disputed', verification_error = 'test: equivocation' "
                                + "WHERE installation_id = ?")) {
            dispute.setLong(1, device.id());
            assertEquals(3, dispute.executeUpdate());
        }
        energy.rebuild(device.id(), T0, T0 + HOUR).await().atMost(Duration.ofSeconds(60));
        assertEquals(0, TestData.queryLong("SELECT count(*) FROM energy_slots WHERE installation_id = ?", device.id()));
        assertEquals(0, hoursDifferingFromSlots(device));
        assertEquals(0, hoursTotal(device));
        assertEquals(0, lifetime(device));
        assertEquals(0.0, chart(device, TimeFrame.DAY).totalEnergy());
        assertEquals(0.0, chart(device, TimeFrame.WEEK).totalEnergy());
        assertEquals(0.0, chart(device, TimeFrame.MONTH).totalEnergy());
        assertEquals(0.0, chart(device, TimeFrame.YEAR).totalEnergy());
    }
}
