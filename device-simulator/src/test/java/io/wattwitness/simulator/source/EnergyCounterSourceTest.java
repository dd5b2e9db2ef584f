package io.wattwitness.simulator.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EnergyCounterSourceTest {

    private static final Instant DAY1 = Instant.parse("2011-06-23T10:00:00Z");

    private static long t(Instant base, int minutes) {
        return base.plus(Duration.ofMinutes(minutes)).toEpochMilli();
    }

    /** Two days: 6, 17, 40 Wh on day 1 (10-min steps); restart; 0, 5, 12 Wh on day 2 (5-min steps). */
    private static EnergyCounterSource twoDays() {
        Instant day2 = DAY1.plus(Duration.ofDays(1));
        return EnergyCounterSource.ofDailyCounter(
                new long[] {t(DAY1, 0), t(DAY1, 10), t(DAY1, 20), t(day2, 0), t(day2, 5), t(day2, 10)},
                new double[] {6, 17, 40, 0, 5, 12});
    }

    @Test
    void theCurveStartsOneStepBeforeTheFirstSample() {
        EnergyCounterSource source = twoDays();
        assertEquals(DAY1.minus(Duration.ofMinutes(10)), source.firstInstant().orElseThrow());
        assertEquals(0, source.cumulativeMwh(DAY1.minus(Duration.ofMinutes(10))));
        assertEquals(3_000, source.cumulativeMwh(DAY1.minus(Duration.ofMinutes(5))));
        assertEquals(6_000, source.cumulativeMwh(DAY1));
        assertEquals(11_500, source.cumulativeMwh(DAY1.plus(Duration.ofMinutes(5))));
        assertEquals(40_000, source.cumulativeMwh(DAY1.plus(Duration.ofMinutes(20))));
    }

    @Test
    void aCounterRestartKeepsTheProductionGrowing() {
        EnergyCounterSource source = twoDays();
        Instant day2 = DAY1.plus(Duration.ofDays(1));
        // night: flat
        assertEquals(40_000, source.cumulativeMwh(DAY1.plus(Duration.ofHours(12))));
        assertEquals(0, source.powerW(DAY1.plus(Duration.ofHours(12))), 1e-12);
        assertEquals(40_000, source.cumulativeMwh(day2));
        assertEquals(45_000, source.cumulativeMwh(day2.plus(Duration.ofMinutes(5))));
        assertEquals(52_000, source.cumulativeMwh(day2.plus(Duration.ofMinutes(10))));
        assertEquals(52_000, source.cumulativeMwh(day2.plus(Duration.ofDays(3))));
        // 7 Wh in 5 min = 84 W
        assertEquals(84, source.powerW(day2.plus(Duration.ofMinutes(7))), 1e-9);
        assertEquals(12_000, source.productionMwh(day2.minus(Duration.ofHours(1)), day2.plus(Duration.ofHours(1))));
    }

    @Test
    void aRestartToANonZeroValueIsProducedJustBeforeIt() {
        Instant day2 = DAY1.plus(Duration.ofDays(1));
        EnergyCounterSource source = EnergyCounterSource.ofDailyCounter(
                new long[] {t(DAY1, 0), t(DAY1, 10), t(day2, 0), t(day2, 5)}, new double[] {0, 10, 4, 9});
        assertEquals(10_000, source.cumulativeMwh(day2.minus(Duration.ofMinutes(5))));
        assertEquals(12_000, source.cumulativeMwh(day2.minus(Duration.ofSeconds(150))));
        assertEquals(14_000, source.cumulativeMwh(day2));
        assertEquals(19_000, source.cumulativeMwh(day2.plus(Duration.ofMinutes(5))));
    }

    @Test
    void productionOfConsecutiveStepsAddsUpExactly() {
        EnergyCounterSource source = twoDays();
        Instant from = source.firstInstant().orElseThrow();
        Instant to = source.lastInstant().orElseThrow();
        long total = 0;
        for (Instant t = from; t.isBefore(to); t = t.plusSeconds(7)) {
            double step = source.productionMwh(t, t.plusSeconds(7));
            assertEquals(Math.rint(step), step, "whole mWh");
            assertTrue(step >= 0);
            total += (long) step;
        }
        assertEquals(52_000, total);
    }

    @Test
    void rejectsNegativeCounters() {
        assertThrows(IllegalArgumentException.class,
                () -> EnergyCounterSource.ofDailyCounter(new long[] {1, 2}, new double[] {1, -1}));
    }
}
