package io.wattwitness.query.service.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Replay acceptance at the analytics level: real PV data from {@code ../shared/data/pv}
 * is turned into meter readings and booked into local calendar days; each day's total must equal a computation done
 * directly on the file. Skipped with a message when {@code ../shared} is absent.
 */
class PvReplayTest {

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private static Path shared(String file) {
        Path dir = Path.of(System.getProperty("wattwitness.shared.dir", "../../shared"));
        Path csv = dir.resolve("data/pv").resolve(file);
        assumeTrue(Files.isReadable(csv), "skipped: " + csv.toAbsolutePath() + " is absent (../shared not mounted)");
        return csv;
    }

    @Test
    void system10004DailyCounterRegister() throws IOException {
        // a daily energy counter (Wh) that restarts at 0 each morning, 10-minute readings, local time UTC-4
        List<String> lines = Files.readAllLines(shared("system_10004_ac_energy.csv"));
        ZoneId zone = ZoneId.of("Etc/GMT+4");
        List<EnergySample> samples = new ArrayList<>();
        Map<LocalDate, double[]> firstLast = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            long ms = LocalDateTime.parse(cells[0], LOCAL).toInstant(ZoneOffset.UTC).toEpochMilli();
            double wh = Double.parseDouble(cells[1]);
            samples.add(EnergySample.ofRegister(ms, Math.round(wh * 1000), 0));
            LocalDate day = LocalDate.parse(cells[2].substring(0, 10));
            firstLast.computeIfAbsent(day, d -> new double[] {wh, wh})[1] = wh;
        }
        EnergyBooker booker = new EnergyBooker(EnergyPolicy.DEFAULT.withExpectedIntervalMs(600_000));
        Map<LocalDate, Long> booked = bookDays(booker, samples, zone, firstLast.keySet());
        assertEquals(8, firstLast.size());
        for (Map.Entry<LocalDate, double[]> day : firstLast.entrySet()) {
            // independent: what the counter advanced during the day (it restarts at 0 before each day's first reading)
            long expected = Math.round((day.getValue()[1] - day.getValue()[0]) * 1000);
            assertEquals(expected, booked.get(day.getKey()), "day " + day.getKey());
        }
        assertEquals(25_137_000, booked.get(LocalDate.of(2011, 6, 23)));
        assertEquals(39_935_000, booked.get(LocalDate.of(2011, 6, 24)));
        assertEquals(38_084_000, booked.get(LocalDate.of(2011, 6, 25)));
    }

    @Test
    void serfEastOneMinutePowerThroughAMeterRegister() throws IOException {
        // 1-minute AC power (W, UTC-7); the simulated meter integrates production into its register like the Shelly EM
        List<String> lines = Files.readAllLines(shared("serf_east_1min_ac_power.csv"));
        ZoneId zone = ZoneId.of("Etc/GMT+7");
        List<long[]> points = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            long ms = OffsetDateTime.parse(cells[0].replace(' ', 'T')).toInstant().toEpochMilli();
            points.add(new long[] {ms, Math.round(Double.parseDouble(cells[1]) * 1000)});
        }
        List<EnergySample> registerSamples = new ArrayList<>();
        List<EnergySample> powerSamples = new ArrayList<>();
        double registerMwh = 0;
        Map<LocalDate, Double> independentWh = new TreeMap<>();
        Map<LocalDate, Double> trapezoidWh = new TreeMap<>();
        for (int i = 0; i < points.size(); i++) {
            long ms = points.get(i)[0];
            long powerMw = points.get(i)[1];
            registerSamples.add(EnergySample.ofRegister(ms, Math.round(registerMwh), powerMw));
            powerSamples.add(EnergySample.ofPower(ms, powerMw));
            if (i + 1 < points.size()) {
                double hours = (points.get(i + 1)[0] - ms) / 3_600_000.0;
                registerMwh += Math.max(0, powerMw) * hours;
                LocalDate day = LocalDate.ofInstant(Instant.ofEpochMilli(ms), zone);
                independentWh.merge(day, Math.max(0, powerMw) / 1000.0 * hours, Double::sum);
                double next = Math.max(0, points.get(i + 1)[1]);
                trapezoidWh.merge(day, (Math.max(0, powerMw) + next) / 2000.0 * hours, Double::sum);
            }
        }
        EnergyBooker booker = new EnergyBooker(EnergyPolicy.DEFAULT.withExpectedIntervalMs(60_000));
        Map<LocalDate, Long> fromRegister = bookDays(booker, registerSamples, zone, independentWh.keySet());
        Map<LocalDate, Long> fromPower = bookDays(booker, powerSamples, zone, independentWh.keySet());
        assertEquals(2, independentWh.size());
        for (LocalDate day : independentWh.keySet()) {
            assertTrue(independentWh.get(day) > 1000, "a sunny day produces more than 1 kWh");
            assertEquals(independentWh.get(day), fromRegister.get(day) / 1000.0, 0.002, "register, day " + day);
            assertEquals(trapezoidWh.get(day), fromPower.get(day) / 1000.0, 0.002 * 1440, "power fallback, day " + day);
        }
    }

    private static Map<LocalDate, Long> bookDays(EnergyBooker booker, List<EnergySample> samples, ZoneId zone,
            Iterable<LocalDate> days) {
        List<CalendarBucket> buckets = new ArrayList<>();
        LocalDate first = null;
        LocalDate last = null;
        for (LocalDate day : days) {
            first = first == null ? day : first;
            last = day;
        }
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            buckets.add(CalendarBuckets.day(zone, day));
        }
        BucketGrid grid = new BucketGrid(CalendarBuckets.bounds(buckets));
        booker.book(samples, grid);
        Map<LocalDate, Long> result = new TreeMap<>();
        for (int i = 0; i < buckets.size(); i++) {
            result.put(LocalDate.parse(buckets.get(i).label()), grid.energyMwh(i));
        }
        return result;
    }
}
