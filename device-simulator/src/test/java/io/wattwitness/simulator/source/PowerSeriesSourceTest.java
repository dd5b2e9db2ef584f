package io.wattwitness.simulator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PowerSeriesSourceTest {

    private static final Instant T0 = Instant.parse("2022-03-18T11:00:00Z");

    private static long at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes)).toEpochMilli();
    }

    @Test
    void interpolatesLinearlyBetweenSamples() {
        PowerSeriesSource source = new PowerSeriesSource(new long[] {at(0), at(10), at(25)},
                new double[] {100, 300, 0}, 1);
        assertEquals(100, source.powerW(T0), 1e-9);
        assertEquals(200, source.powerW(T0.plus(Duration.ofMinutes(5))), 1e-9);
        assertEquals(300, source.powerW(T0.plus(Duration.ofMinutes(10))), 1e-9);
        assertEquals(100, source.powerW(T0.plus(Duration.ofMinutes(20))), 1e-9);
        assertEquals(0, source.powerW(T0.minus(Duration.ofSeconds(1))));
        assertEquals(0, source.powerW(T0.plus(Duration.ofMinutes(26))));
        // trapezoids: (100+300)/2 W * 10 min + 300/2 W * 15 min = 2000 W*min + 2250 W*min = 70.8333 Wh
        assertEquals(70_833.333, source.productionMwh(T0, T0.plus(Duration.ofHours(1))), 1e-3);
        // ten-second steps add up to the same
        double sum = 0;
        for (int s = 0; s < 25 * 60; s += 10) {
            sum += source.productionMwh(T0.plus(Duration.ofSeconds(s)), T0.plus(Duration.ofSeconds(s + 10)));
        }
        assertEquals(70_833.333, sum, 1e-3);
    }

    @Test
    void negativeNightPowerIsReportedButProducesNothing() {
        PowerSeriesSource source = new PowerSeriesSource(new long[] {at(0), at(60), at(120)},
                new double[] {-3, -3, 9}, 1);
        assertEquals(-3, source.powerW(T0.plus(Duration.ofMinutes(30))), 1e-9);
        assertEquals(0, source.productionMwh(T0, T0.plus(Duration.ofMinutes(60))), 1e-12);
        // from -3 to 9 W over 60 min: zero crossing after 15 min, then a triangle of 9 W over 45 min = 3.375 Wh
        assertEquals(3_375, source.productionMwh(T0.plus(Duration.ofMinutes(60)), T0.plus(Duration.ofMinutes(120))),
                1e-9);
        assertEquals(3_375, source.productionMwh(T0, T0.plus(Duration.ofHours(5))), 1e-9);
    }

    @Test
    void aHoleInTheRecordProducesNothingAndAMissingRowIsBridged() {
        // 15-minute rows; a missing row (30 min) is bridged, 3 h without a row (> 4 median steps) is a hole
        PowerSeriesSource source = new PowerSeriesSource(new long[] {at(0), at(15), at(30), at(60), at(240), at(255)},
                new double[] {400, 400, 400, 1000, 2000, 2000}, 1);
        assertEquals(700, source.powerW(T0.plus(Duration.ofMinutes(45))), 1e-9, "bridged");
        assertEquals(0, source.powerW(T0.plus(Duration.ofMinutes(61))), 1e-9, "in the hole");
        assertEquals(0, source.powerW(T0.plus(Duration.ofMinutes(239))), 1e-9, "in the hole");
        assertEquals(1000, source.powerW(T0.plus(Duration.ofMinutes(60))), 1e-9, "the row before the hole");
        assertEquals(2000, source.powerW(T0.plus(Duration.ofMinutes(240))), 1e-9, "the row after the hole");
        // 400 W for 30 min (200 Wh) + 400->1000 W over 30 min (350 Wh) + hole (0) + 2000 W for 15 min (500 Wh)
        assertEquals(1_050_000, source.productionMwh(T0, T0.plus(Duration.ofHours(5))), 1e-6);
        assertEquals(0, source.productionMwh(T0.plus(Duration.ofMinutes(60)), T0.plus(Duration.ofMinutes(240))),
                1e-12);
        assertEquals(4, PowerSeriesSource.HOLE_STEPS);
    }

    @Test
    void scalesNormalisedValues() {
        PowerSeriesSource source = new PowerSeriesSource(new long[] {at(0), at(60)}, new double[] {0.5, 0.5}, 2000);
        assertEquals(1000, source.powerW(T0.plus(Duration.ofMinutes(30))), 1e-9);
        assertEquals(1_000_000, source.productionMwh(T0, T0.plus(Duration.ofMinutes(60))), 1e-6);
    }

    @Test
    void rejectsBadSeries() {
        assertThrows(IllegalArgumentException.class, () -> new PowerSeriesSource(new long[] {1}, new double[] {1}, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new PowerSeriesSource(new long[] {2, 1}, new double[] {1, 1}, 1));
    }
}
