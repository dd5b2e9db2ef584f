package io.wattwitness.query.service.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Long real histories of {@code ../shared/data/pv} at the analytics level: each row becomes a reading of a meter
 * whose register counts the row's production (max(0, power) × time to the next row, integer mWh; nothing across a
 * step longer than four rows, a hole in the record, as the simulator's replay does), the readings are
 * booked into local days by {@link EnergyBooker} with the installation's capacity, and every day's total is compared
 * with a computation made directly on the file text (split over midnight in proportion to time, capped per
 * interval at the documented capacity ceiling). Skipped with a message when {@code ../shared} is absent.
 * <p>
 * What the product books for the labelled rows: a <b>stale</b> (frozen) power value is, for the meter, power that
 * was produced, so its register counts it and exactly that is booked, never more than the file's own integral; an
 * <b>outlier</b> below 0 counts nothing (a production register never runs backwards), and one above the capacity
 * ceiling (capacity × 15 min × 1.25 + 1 Wh) is booked up to the ceiling, the rest held as excess.
 */
class LongPvHistoryTest {

    /** Four rows of 15 minutes: a longer step between numbers is a hole in the record. */
    private static final long HOLE_MS = 4 * 900_000;

    private static Path shared(String file) {
        Path dir = Path.of(System.getProperty("wattwitness.shared.dir", "../../shared"));
        Path csv = dir.resolve("data/pv").resolve(file);
        assumeTrue(Files.isReadable(csv), "skipped: " + csv.toAbsolutePath() + " is absent (../shared not mounted)");
        return csv;
    }

    /** Rows as {time ms, power mW}, power scaled by {@code scale}; rows without a number are skipped. */
    private static List<long[]> rows(Path csv, double scale) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<long[]> points = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            if (cells.length < 2 || cells[1].isBlank() || cells[1].equalsIgnoreCase("nan")) {
                continue;
            }
            long ms = OffsetDateTime.parse(cells[0].replace(' ', 'T')).toInstant().toEpochMilli();
            points.add(new long[] {ms, Math.round(Double.parseDouble(cells[1]) * scale * 1000)});
        }
        return points;
    }

    private record Result(int days, long largestDifferenceMwh, long totalMwh, long excessMwh) {
    }

    private static Result replay(List<long[]> points, ZoneId zone, long capacityW) {
        EnergyPolicy policy = EnergyPolicy.DEFAULT.withExpectedIntervalMs(900_000);
        List<EnergySample> samples = new ArrayList<>();
        long register = 0;
        Map<LocalDate, Double> independent = new TreeMap<>();
        long expectedExcess = 0;
        for (int i = 0; i < points.size(); i++) {
            long ms = points.get(i)[0];
            samples.add(EnergySample.ofRegister(ms, register, points.get(i)[1]));
            if (i + 1 < points.size()) {
                long next = points.get(i + 1)[0];
                // a hole in the record (a step longer than four 15-minute rows) counts nothing: the file does not
                // say what was produced there
                long produced = next - ms > HOLE_MS ? 0
                        : Math.round(Math.max(0, points.get(i)[1]) * (next - ms) / 3_600_000.0);
                register += produced;
                // independent: the row's energy, capped at the ceiling, split over the local days it spans
                double counted = Math.min(produced, capacityW <= 0 ? Long.MAX_VALUE
                        : capacityW * (next - ms) * 125 / 360_000 + 1_000);
                expectedExcess += produced - (long) counted;
                long from = ms;
                while (from < next) {
                    LocalDate day = LocalDate.ofInstant(Instant.ofEpochMilli(from), zone);
                    long dayEnd = day.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
                    long to = Math.min(dayEnd, next);
                    independent.merge(day, counted * (to - from) / (next - ms), Double::sum);
                    from = to;
                }
            }
        }
        List<CalendarBucket> buckets = new ArrayList<>();
        LocalDate first = LocalDate.ofInstant(Instant.ofEpochMilli(points.get(0)[0]), zone);
        LocalDate last = LocalDate.ofInstant(Instant.ofEpochMilli(points.get(points.size() - 1)[0]), zone);
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            buckets.add(CalendarBuckets.day(zone, day));
        }
        BucketGrid grid = new BucketGrid(CalendarBuckets.bounds(buckets));
        EnergyBooker.Outcome outcome = new EnergyBooker(policy).book(samples, grid, capacityW);
        assertEquals(0, outcome.glitches(), "a register that only counts up has no glitch");
        assertEquals(0, outcome.restarts());
        assertEquals(expectedExcess, outcome.excessMwh(), "excess: the file's rows above the ceiling, minus the ceiling");
        long largest = 0;
        for (int i = 0; i < buckets.size(); i++) {
            LocalDate day = LocalDate.parse(buckets.get(i).label());
            double expected = independent.getOrDefault(day, 0.0);
            long difference = Math.round(Math.abs(grid.energyMwh(i) - expected));
            assertTrue(difference <= 2, "day " + day + ": booked " + grid.energyMwh(i) + " mWh, file " + expected);
            largest = Math.max(largest, difference);
        }
        return new Result(buckets.size(), largest, grid.totalMwh(), outcome.excessMwh());
    }

    @Test
    void serfEast15MinutesOver104Days() throws IOException {
        // AC power in W, local time UTC-7; no nameplate in the file: capacity unknown, no ceiling
        List<long[]> points = rows(shared("serf_east_15min_ac_power.csv"), 1);
        Result result = replay(points, ZoneId.of("Etc/GMT+7"), 0);
        System.out.printf("serf_east_15min: %d days, largest difference %d mWh, total %d mWh%n", result.days(),
                result.largestDifferenceMwh(), result.totalMwh());
        assertEquals(10_000, points.size(), "10,000 rows (the file ends with two empty lines)");
        assertEquals(105, result.days());
        assertEquals(0, result.excessMwh());
    }

    @Test
    void staleValuesBookWhatTheFileContainsAndNoMore() throws IOException {
        Path csv = shared("ac_power_inv_2173_stale_data.csv");
        List<long[]> points = rows(csv, 4_200);
        Result result = replay(points, ZoneOffset.UTC, 4_200);
        System.out.printf("inv_2173_stale (4.2 kW): %d days, largest difference %d mWh, total %d mWh, excess %d mWh%n",
                result.days(), result.largestDifferenceMwh(), result.totalMwh(), result.excessMwh());
        assertEquals(0, result.excessMwh(), "normalised values at most 1: never above the ceiling");
    }

    @Test
    void outliersAboveCapacityAreHeldAsExcess() throws IOException {
        List<long[]> points = rows(shared("ac_power_inv_7539_outliers.csv"), 4_200);
        Result result = replay(points, ZoneOffset.UTC, 4_200);
        System.out.printf("inv_7539_outliers (4.2 kW): %d days, largest difference %d mWh, total %d mWh, excess %d mWh%n",
                result.days(), result.largestDifferenceMwh(), result.totalMwh(), result.excessMwh());
        assertTrue(result.excessMwh() > 0, "the 1.41, 1.16 and 2.0 outliers exceed 1.25 x capacity");
    }
}
