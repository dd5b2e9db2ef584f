package io.wattwitness.simulator.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattwitness.reading.ReadingFlags;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.reading.ReadingVerifier;
import io.wattwitness.simulator.source.CsvReplayReader;
import io.wattwitness.simulator.source.ReplaySeries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: replaying {@code ../shared/data/pv/system_10004_ac_energy.csv} yields registers whose daily
 * deltas equal the file's daily totals, i.e. the last counter value of each local day, computed here directly from
 * the CSV text.
 */
class ReplayAcceptanceTest {

    private static final String FILE = "system_10004_ac_energy.csv";

    @TempDir
    Path state;

    static Path pvDir() {
        String env = System.getenv("WW_PV_DIR");
        String property = System.getProperty("wattwitness.pv.dir");
        return Path.of(env != null ? env : property != null ? property : "../../shared/data/pv");
    }

    /** Daily totals straight from the CSV: the last counter value (Wh) of each local_measured_on date. */
    private static Map<LocalDate, Long> dailyTotalsWh(Path csv) throws Exception {
        Map<LocalDate, Long> totals = new TreeMap<>();
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            totals.put(LocalDate.parse(cells[2].substring(0, 10)), Math.round(Double.parseDouble(cells[1])));
        }
        return totals;
    }

    @Test
    void dailyRegisterDeltasMatchTheDailyCounterTotals() throws Exception {
        Path csv = pvDir().resolve(FILE);
        Assumptions.assumeTrue(Files.isReadable(csv), "../shared/data/pv not present: " + csv.toAbsolutePath()
                + " is missing (set WW_PV_DIR to the folder holding " + FILE + " to run this acceptance test)");
        Map<LocalDate, Long> expected = dailyTotalsWh(csv);
        assertEquals(8, expected.size(), "the file spans 2011-06-23 .. 2011-06-30");

        ReplaySeries series = CsvReplayReader.read(csv);
        ZoneOffset local = series.localOffset().orElseThrow();
        assertEquals(ZoneOffset.ofHours(-4), local);
        Simulator simulator = Simulator.builder().stateDir(state).interval(Duration.ofMinutes(5))
                .source(installation -> series.toSource(installation.capacityW())).build();
        SimulatedDevice device = simulator.devices().get(0);

        Map<LocalDate, Long> lastRegisterOfDay = new TreeMap<>();
        long firstRegister = -1;
        long previous = -1;
        int readings = 0;
        while (!simulator.exhausted()) {
            Emission emission = simulator.tick().get(0);
            ReadingMessage reading = ReadingVerifier.verify(device.key(), emission.envelope().message(),
                    emission.envelope().signature()).reading();
            assertTrue(reading.energyMwh() >= previous, "the register never decreases");
            assertFalse(reading.hasFlag(ReadingFlags.REGISTER_RESTARTED), "a counter restart is not a register reset");
            if (firstRegister < 0) {
                firstRegister = reading.energyMwh();
            }
            previous = reading.energyMwh();
            LocalDate day = Instant.ofEpochMilli(reading.timestampMs()).atOffset(local).toLocalDate();
            lastRegisterOfDay.put(day, reading.energyMwh());
            readings++;
        }
        assertTrue(readings > 1900, "about a week of 5-minute readings: " + readings);
        assertEquals(0, firstRegister);
        assertEquals(expected.keySet(), lastRegisterOfDay.keySet());

        long before = firstRegister;
        long totalWh = 0;
        for (Map.Entry<LocalDate, Long> day : lastRegisterOfDay.entrySet()) {
            long deltaMwh = day.getValue() - before;
            assertEquals(expected.get(day.getKey()) * 1000, deltaMwh, "register delta on " + day.getKey());
            before = day.getValue();
            totalWh += expected.get(day.getKey());
        }
        assertEquals(totalWh * 1000, previous - firstRegister);
    }
}
