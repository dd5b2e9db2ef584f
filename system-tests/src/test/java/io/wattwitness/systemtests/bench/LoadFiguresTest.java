package io.wattwitness.systemtests.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LoadFiguresTest {

    @Test
    void nearestRankPercentiles() {
        long[] samples = {50, 10, 40, 20, 30, 60, 70, 80, 90, 100};
        assertEquals(50, LoadFigures.percentile(samples, 50));
        assertEquals(100, LoadFigures.percentile(samples, 99));
        assertEquals(100, LoadFigures.percentile(samples, 100));
        assertEquals(10, LoadFigures.percentile(samples, 1));
        assertEquals(90, LoadFigures.percentile(samples, 90));
        assertEquals(50, samples[0], "the samples are not reordered");
    }

    @Test
    void sustainedRateCountsTheMiddleWindow() {
        long[] completions = new long[101];
        for (int i = 0; i <= 100; i++) {
            completions[i] = 1_000_000 + 10L * i; // one completion every 10 ms = 100 per second
        }
        assertEquals(100.0, LoadFigures.sustainedRate(completions, 10, 90), 1e-9);
        assertTrue(Double.isNaN(LoadFigures.sustainedRate(new long[] {5, 5, 5}, 10, 90)));
    }

    @Test
    void refusesEmptySamplesAndBadPercentages() {
        assertThrows(IllegalArgumentException.class, () -> LoadFigures.percentile(new long[0], 50));
        assertThrows(IllegalArgumentException.class, () -> LoadFigures.percentile(new long[] {1}, 0));
        assertThrows(IllegalArgumentException.class, () -> LoadFigures.percentile(new long[] {1}, 101));
    }
}
