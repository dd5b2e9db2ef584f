package io.wattwitness.simulator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SolarModelSourceTest {

    private static final Instant GOLDEN_EQUINOX_NOON = Instant.parse("2024-03-20T19:08:11Z");

    @Test
    void haurwitzIrradianceAtKnownElevations() {
        assertEquals(0, ClearSky.haurwitzGhi(0));
        assertEquals(0, ClearSky.haurwitzGhi(-10));
        assertEquals(1098 * Math.exp(-0.057), ClearSky.haurwitzGhi(90), 1e-9);
        double cos60 = Math.cos(Math.toRadians(60));
        assertEquals(1098 * cos60 * Math.exp(-0.057 / cos60), ClearSky.haurwitzGhi(30), 1e-9);
        assertTrue(ClearSky.haurwitzGhi(30) < ClearSky.haurwitzGhi(60));
    }

    @Test
    void clearSkyPowerAtNoonAndNight() {
        SolarModelSource source = new SolarModelSource(39.742, -105.179, 5000, 0.85, null);
        double elevation = SunPosition.at(39.742, -105.179, GOLDEN_EQUINOX_NOON).elevationDeg();
        assertEquals(5000 * ClearSky.haurwitzGhi(elevation) / 1000 * 0.85, source.powerW(GOLDEN_EQUINOX_NOON), 1e-6);
        // 50.26 degrees of elevation: GHI = 1098 * 0.769 * exp(-0.057 / 0.769) = 784 W/m2, * 5 kW/kW * 0.85 = 3.33 kW
        assertEquals(50.26, elevation, 0.3);
        assertEquals(3330, source.powerW(GOLDEN_EQUINOX_NOON), 15);
        assertEquals(0, source.powerW(GOLDEN_EQUINOX_NOON.plus(Duration.ofHours(12))));
        assertTrue(source.powerW(GOLDEN_EQUINOX_NOON.minus(Duration.ofHours(3)))
                < source.powerW(GOLDEN_EQUINOX_NOON));
    }

    @Test
    void dailyProductionIsTheIntegralOfPower() {
        SolarModelSource source = new SolarModelSource(39.742, -105.179, 5000, 0.85, null);
        Instant midnight = Instant.parse("2024-03-20T07:00:00Z");
        double dayMwh = source.productionMwh(midnight, midnight.plus(Duration.ofDays(1)));
        double sumMwh = 0;
        for (int minute = 0; minute < 1440; minute++) {
            Instant t = midnight.plus(Duration.ofMinutes(minute));
            sumMwh += source.productionMwh(t, t.plus(Duration.ofMinutes(1)));
        }
        assertEquals(sumMwh, dayMwh, 1e-6 * dayMwh);
        // clear-sky insolation on a horizontal surface at 40 N on the equinox is about 5.5 to 6 kWh/m2 per day:
        // 5 kW * 0.85 * 5.5..6 h = 23.4..25.5 kWh
        assertTrue(dayMwh > 23_400_000 && dayMwh < 25_500_000, "day production " + dayMwh + " mWh");
        assertEquals(0, source.productionMwh(midnight, midnight.plus(Duration.ofHours(4))), 1e-9);
    }

    @Test
    void cloudsDimTheSunReproducibly() {
        Instant origin = Instant.parse("2024-03-20T00:00:00Z");
        CloudModel a = CloudModel.partlyCloudy(42, origin);
        CloudModel b = CloudModel.partlyCloudy(42, origin);
        CloudModel c = CloudModel.partlyCloudy(43, origin);
        int cloudy = 0;
        double minimum = 1;
        boolean differs = false;
        for (int minute = 0; minute < 1440; minute++) {
            Instant t = origin.plus(Duration.ofMinutes(minute));
            double ta = a.transmittance(t);
            assertEquals(ta, b.transmittance(t));
            differs |= ta != c.transmittance(t);
            assertTrue(ta >= 1 - 0.8 && ta <= 1, "transmittance " + ta);
            if (ta < 1) {
                cloudy++;
            }
            minimum = Math.min(minimum, ta);
        }
        assertTrue(differs, "another seed gives another sky");
        // mean cloud 14 min per (45 + 14) min: about a quarter of the day under clouds
        assertTrue(cloudy > 100 && cloudy < 800, "cloudy minutes " + cloudy);
        assertTrue(minimum < 0.7, "some cloud is thick, min " + minimum);
        assertEquals(1, a.transmittance(origin.minus(Duration.ofHours(1))));
    }

    @Test
    void cloudyProductionIsBelowClearSky() {
        Instant day = Instant.parse("2024-06-21T07:00:00Z");
        SolarModelSource clear = new SolarModelSource(39.742, -105.179, 5000, 0.85, null);
        SolarModelSource cloudy = new SolarModelSource(39.742, -105.179, 5000, 0.85, CloudModel.partlyCloudy(7, day));
        double clearMwh = clear.productionMwh(day, day.plus(Duration.ofDays(1)));
        double cloudyMwh = cloudy.productionMwh(day, day.plus(Duration.ofDays(1)));
        assertTrue(cloudyMwh < clearMwh && cloudyMwh > 0.5 * clearMwh, cloudyMwh + " vs " + clearMwh);
        assertNotEquals(clearMwh, cloudyMwh);
    }

    @Test
    void rejectsBadParameters() {
        assertThrows(IllegalArgumentException.class, () -> new SolarModelSource(40, 0, 0, 0.85, null));
        assertThrows(IllegalArgumentException.class, () -> new SolarModelSource(40, 0, 1000, 1.5, null));
        assertThrows(IllegalArgumentException.class, () -> new SolarModelSource(95, 0, 1000, 0.85, null));
        assertThrows(IllegalArgumentException.class,
                () -> new CloudModel(1, Instant.EPOCH, 10, 5, 2, 0.1, 0.5));
    }
}
