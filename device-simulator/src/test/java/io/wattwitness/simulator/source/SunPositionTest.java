package io.wattwitness.simulator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SunPositionTest {

    /** March equinox 2024: 2024-03-20 03:06 UTC; the equation of time is then about −7.5 min. */
    private static final Instant EQUINOX_NOON_GREENWICH = Instant.parse("2024-03-20T12:07:30Z");

    @Test
    void noonElevationOnTheEquinoxIsNinetyMinusLatitude() {
        for (double latitude : new double[] {0, 20, 45, 60, -33.9}) {
            SunPosition sun = SunPosition.at(latitude, 0, EQUINOX_NOON_GREENWICH);
            assertEquals(90 - Math.abs(latitude), sun.elevationDeg(), 0.6, "latitude " + latitude);
            assertEquals(0, sun.declinationDeg(), 0.5);
            assertEquals(0, sun.hourAngleDeg(), 0.5);
        }
    }

    @Test
    void solarNoonMovesFourMinutesPerDegreeOfLongitude() {
        // Golden, Colorado (105.179 W): solar noon is 105.179 * 4 min = 7 h 0.7 min after Greenwich's.
        Instant goldenNoon = EQUINOX_NOON_GREENWICH.plus(Duration.ofSeconds(Math.round(105.179 * 240)));
        SunPosition sun = SunPosition.at(39.742, -105.179, goldenNoon);
        assertEquals(0, sun.hourAngleDeg(), 0.5);
        assertEquals(90 - 39.742, sun.elevationDeg(), 0.6);
        SunPosition twoHoursLater = SunPosition.at(39.742, -105.179, goldenNoon.plus(Duration.ofHours(2)));
        assertEquals(30, twoHoursLater.hourAngleDeg(), 0.5);
    }

    @Test
    void declinationFollowsTheSeasons() {
        assertEquals(23.44, SunPosition.at(0, 0, Instant.parse("2024-06-20T20:51:00Z")).declinationDeg(), 0.3);
        assertEquals(-23.44, SunPosition.at(0, 0, Instant.parse("2024-12-21T09:20:00Z")).declinationDeg(), 0.3);
        // June solstice at 45 N: noon elevation 90 - 45 + 23.44
        assertEquals(68.44, SunPosition.at(45, 0, Instant.parse("2024-06-20T12:01:45Z")).elevationDeg(), 0.6);
    }

    @Test
    void theSunIsDownAtMidnight() {
        SunPosition midnight = SunPosition.at(45, 0, Instant.parse("2024-03-20T00:07:30Z"));
        assertFalse(midnight.isUp());
        assertEquals(-45, midnight.elevationDeg(), 0.6);
        assertEquals(180, Math.abs(midnight.hourAngleDeg()), 0.5);
    }

    @Test
    void polarNightAndMidnightSun() {
        Instant decemberNoon = Instant.parse("2024-12-21T12:00:00Z");
        assertFalse(SunPosition.at(80, 0, decemberNoon).isUp());
        assertTrue(SunPosition.at(80, 0, Instant.parse("2024-06-21T00:00:00Z")).isUp());
    }

    @Test
    void rejectsCoordinatesOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> SunPosition.at(91, 0, Instant.EPOCH));
        assertThrows(IllegalArgumentException.class, () -> SunPosition.at(0, -181, Instant.EPOCH));
        assertThrows(IllegalArgumentException.class, () -> SunPosition.at(Double.NaN, 0, Instant.EPOCH));
    }
}
