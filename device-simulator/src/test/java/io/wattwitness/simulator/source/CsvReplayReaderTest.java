package io.wattwitness.simulator.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CsvReplayReaderTest {

    @Test
    void readsAPowerSeriesWithLocalOffsets() throws ReplayFormatException {
        ReplaySeries series = CsvReplayReader.parse("""
                measured_on,ac_power__752
                2022-03-18 04:33:00-07:00,-2.7098
                2022-03-18 04:34:00-07:00,-2.5969
                2022-03-18 04:35:00-07:00,
                2022-03-18 04:36:00-07:00,NaN
                2022-03-18 04:37:00-07:00,150.5
                """);
        assertEquals(ReplaySeries.Kind.POWER_W, series.kind());
        assertEquals("ac_power__752", series.column());
        assertEquals(3, series.size());
        assertEquals(2, series.skippedRows());
        assertEquals(Instant.parse("2022-03-18T11:33:00Z"), series.first());
        assertEquals(Instant.parse("2022-03-18T11:37:00Z"), series.last());
        assertArrayEquals(new double[] {-2.7098, -2.5969, 150.5}, series.values());
        assertEquals(Optional.of(ZoneOffset.ofHours(-7)), series.localOffset());
    }

    @Test
    void readsTheDailyEnergyCounterWithUtcAndLocalColumns() throws ReplayFormatException {
        ReplaySeries series = CsvReplayReader.parse("""
                utc_measured_on,ac_energy_inv_16425,local_measured_on
                2011-06-23 10:00:00,6.0,2011-06-23 06:00:00
                2011-06-23 10:10:00,17.0,2011-06-23 06:10:00
                2011-06-24 00:30:00,25143.0,2011-06-23 20:30:00
                2011-06-24 10:10:00,0.0,2011-06-24 06:10:00
                """);
        assertEquals(ReplaySeries.Kind.ENERGY_COUNTER_WH, series.kind());
        assertEquals(Instant.parse("2011-06-23T10:00:00Z"), series.first());
        assertEquals(Optional.of(ZoneOffset.ofHours(-4)), series.localOffset());
        assertArrayEquals(new double[] {6, 17, 25143, 0}, series.values());
        assertTrue(series.toSource(1000) instanceof EnergyCounterSource);
    }

    @Test
    void readsNormalisedPowerScaledByCapacity() throws ReplayFormatException {
        ReplaySeries series = CsvReplayReader.parse("""
                timestamp,value_normalized,outlier
                2017-04-10 19:15:00+00:00,0.5,FALSE
                2017-04-10 19:30:00+00:00,0.25,TRUE
                """);
        assertEquals(ReplaySeries.Kind.NORMALIZED_POWER, series.kind());
        ProductionSource source = series.toSource(4000);
        assertEquals(2000, source.powerW(Instant.parse("2017-04-10T19:15:00Z")), 1e-9);
        assertEquals(1500, source.powerW(Instant.parse("2017-04-10T19:22:30Z")), 1e-9);
    }

    @Test
    void errorsNameTheLine() {
        ReplayFormatException notANumber = assertThrows(ReplayFormatException.class, () -> CsvReplayReader.parse("""
                measured_on,ac_power
                2016-07-01 00:00:00-07:00,1.0
                2016-07-01 00:15:00-07:00,abc
                """));
        assertTrue(notANumber.getMessage().contains(":3: 'abc'"), notANumber.getMessage());

        ReplayFormatException badTime = assertThrows(ReplayFormatException.class, () -> CsvReplayReader.parse("""
                measured_on,ac_power
                2016-07-01 00:00:00-07:00,1.0
                yesterday,2.0
                """));
        assertTrue(badTime.getMessage().contains(":3: 'yesterday' is not a time"), badTime.getMessage());

        ReplayFormatException backwards = assertThrows(ReplayFormatException.class, () -> CsvReplayReader.parse("""
                measured_on,ac_power
                2016-07-01 00:15:00-07:00,1.0
                2016-07-01 00:00:00-07:00,2.0
                """));
        assertTrue(backwards.getMessage().contains(":3: time"), backwards.getMessage());

        ReplayFormatException noOffset = assertThrows(ReplayFormatException.class, () -> CsvReplayReader.parse("""
                measured_on,ac_power
                2016-07-01 00:15:00,1.0
                2016-07-01 00:30:00,2.0
                """));
        assertTrue(noOffset.getMessage().contains("has no UTC offset"), noOffset.getMessage());

        ReplayFormatException header = assertThrows(ReplayFormatException.class,
                () -> CsvReplayReader.parse("power,when\n1,2\n"));
        assertTrue(header.getMessage().contains(":1: first column must be a time"), header.getMessage());

        ReplayFormatException tooShort = assertThrows(ReplayFormatException.class,
                () -> CsvReplayReader.parse("measured_on,ac_power\n2016-07-01 00:15:00-07:00,1.0\n"));
        assertTrue(tooShort.getMessage().contains("at least 2 samples"), tooShort.getMessage());
    }
}
