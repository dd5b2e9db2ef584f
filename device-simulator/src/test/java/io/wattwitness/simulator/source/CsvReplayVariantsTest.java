package io.wattwitness.simulator.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The export variants {@link CsvReplayReader} accepts, and the errors for the rest. */
class CsvReplayVariantsTest {

    private static final ZoneId DENVER = ZoneId.of("America/Denver");

    private static CsvReplayReader.Options zone(ZoneId zone) {
        return new CsvReplayReader.Options(zone, null);
    }

    @Test
    void spreadsheetLocalTimesAreReadInTheGivenZone() throws ReplayFormatException {
        ReplaySeries series = CsvReplayReader.parse("""
                Timestamp,AC Power (W)
                7/1/2016 0:00,0
                7/1/2016 0:15,12.5
                7/1/2016 13:45:30,4012.25
                """, zone(DENVER));
        assertEquals(ReplaySeries.Kind.POWER_W, series.kind());
        assertEquals("AC Power (W)", series.column());
        assertEquals(3, series.size());
        assertEquals(Instant.parse("2016-07-01T06:00:00Z"), series.first());
        assertEquals(Instant.parse("2016-07-01T19:45:30Z"), series.last());
        assertArrayEquals(new double[] {0, 12.5, 4012.25}, series.values());
        assertEquals(Optional.of(ZoneOffset.ofHours(-6)), series.localOffset());
    }

    @Test
    void isoLocalTimesWithoutOffsetAlsoTakeTheZone() throws ReplayFormatException {
        ReplaySeries series = CsvReplayReader.parse("""
                measured_on,ac_power
                2016-01-15 12:00:00,100
                2016-01-15 12:15:00,200
                """, zone(DENVER));
        assertEquals(Instant.parse("2016-01-15T19:00:00Z"), series.first());
        assertEquals(Optional.of(ZoneOffset.ofHours(-7)), series.localOffset());
    }

    @Test
    void theRepeatedHourOfAFallBackDayKeepsGoingForward() throws ReplayFormatException {
        // 2016-11-06 in Denver: 1:00-1:59 happens twice (MDT, then MST)
        ReplaySeries series = CsvReplayReader.parse("""
                date,power
                11/6/2016 1:30,10
                11/6/2016 1:45,20
                11/6/2016 1:00,30
                11/6/2016 1:15,40
                11/6/2016 2:00,50
                """, zone(DENVER));
        assertArrayEquals(new long[] {
            Instant.parse("2016-11-06T07:30:00Z").toEpochMilli(),
            Instant.parse("2016-11-06T07:45:00Z").toEpochMilli(),
            Instant.parse("2016-11-06T08:00:00Z").toEpochMilli(),
            Instant.parse("2016-11-06T08:15:00Z").toEpochMilli(),
            Instant.parse("2016-11-06T09:00:00Z").toEpochMilli()}, series.timesMs());
    }

    @Test
    void extraColumnsAreIgnoredAndThePowerColumnIsChosenByName() throws ReplayFormatException {
        String csv = """
                time,site,dc_power,"ac_power, W",inverter_temp
                "2022-03-18 04:33:00-07:00",east,5.0,"1,5",31
                2022-03-18 04:34:00-07:00,east,6.0,,31
                2022-03-18 04:35:00-07:00,east,7.0,2.5,32
                """;
        // without a name, the first column that is not a time is taken: here the site's name
        ReplayFormatException site = assertThrows(ReplayFormatException.class, () -> CsvReplayReader.parse(csv));
        assertEquals("<inline>:2: 'east' in column site is not a number", site.getMessage());
        ReplaySeries dc = CsvReplayReader.parse(csv, new CsvReplayReader.Options(null, "DC_POWER"));
        assertEquals("dc_power", dc.column());
        assertArrayEquals(new double[] {5, 6, 7}, dc.values());
        ReplayFormatException comma = assertThrows(ReplayFormatException.class,
                () -> CsvReplayReader.parse(csv, new CsvReplayReader.Options(null, " ac_power, W ")));
        assertEquals("<inline>:2: '1,5' in column ac_power, W is not a number", comma.getMessage());
        ReplaySeries ac = CsvReplayReader.parse(csv.replace("\"1,5\"", "1.5"),
                new CsvReplayReader.Options(null, "ac_power, W"));
        assertArrayEquals(new double[] {1.5, 2.5}, ac.values());
        assertEquals(1, ac.skippedRows());
        assertEquals(Instant.parse("2022-03-18T11:33:00Z"), ac.first());
    }

    @Test
    void everythingElseIsAnErrorNamingTheLine() {
        ReplayFormatException noZone = assertThrows(ReplayFormatException.class, () -> CsvReplayReader.parse("""
                Timestamp,power
                7/1/2016 0:00,0
                """));
        assertEquals("<inline>:2: time '7/1/2016 0:00' has no UTC offset and the column is not named utc_*; give the "
                + "zone of such local times (--replay-zone)", noZone.getMessage());

        ReplayFormatException dayFirst = assertThrows(ReplayFormatException.class, () -> CsvReplayReader.parse("""
                Timestamp,power
                7/1/2016 0:00,0
                31/1/2016 0:15,1
                """, zone(DENVER)));
        assertEquals("<inline>:3: '31/1/2016 0:15' is not a time (yyyy-MM-dd HH:mm:ss[+HH:MM] or M/d/yyyy H:mm[:ss])",
                dayFirst.getMessage());

        ReplayFormatException gap = assertThrows(ReplayFormatException.class, () -> CsvReplayReader.parse("""
                time,power
                3/13/2016 1:45,0
                3/13/2016 2:15,1
                """, zone(DENVER)));
        assertEquals("<inline>:3: time '3/13/2016 2:15' does not exist in America/Denver (skipped by a "
                + "daylight-saving change)", gap.getMessage());

        ReplayFormatException unknownColumn = assertThrows(ReplayFormatException.class,
                () -> CsvReplayReader.parse("time,power\n2016-07-01 00:00:00Z,1\n",
                        new CsvReplayReader.Options(null, "ac_power")));
        assertEquals("<inline>:1: no column named 'ac_power' in header 'time,power'", unknownColumn.getMessage());

        ReplayFormatException quote = assertThrows(ReplayFormatException.class,
                () -> CsvReplayReader.parse("time,power\n\"2016-07-01 00:00:00Z,1\n"));
        assertEquals("<inline>:2: unterminated quote", quote.getMessage());

        ReplayFormatException shortRow = assertThrows(ReplayFormatException.class,
                () -> CsvReplayReader.parse("time,site,power\n2016-07-01 00:00:00Z,east\n",
                        new CsvReplayReader.Options(null, "power")));
        assertEquals("<inline>:2: expected at least 3 columns", shortRow.getMessage());

        ReplayFormatException updateIsNoTime = assertThrows(ReplayFormatException.class,
                () -> CsvReplayReader.parse("last_update,power\n2016-07-01 00:00:00Z,1\n"));
        assertEquals("<inline>:1: first column must be a time (measured_on, utc_measured_on, timestamp, time or "
                + "date), found 'last_update'", updateIsNoTime.getMessage());
    }
}
