package io.wattwitness.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattwitness.kafka.LocalKafkaBroker;
import io.wattwitness.simulator.messaging.MqttTransport;
import io.wattwitness.simulator.service.Faults;
import io.wattwitness.simulator.service.SimulatedDevice;
import io.wattwitness.simulator.service.Simulator;
import io.wattwitness.simulator.service.Site;
import io.wattwitness.simulator.source.CsvReplayReader;
import io.wattwitness.simulator.source.ReplaySeries;
import io.wattwitness.systemtests.support.Database;
import io.wattwitness.systemtests.support.PipelineStack;
import io.wattwitness.systemtests.support.Poll;
import io.wattwitness.systemtests.support.ServiceProcess;
import io.wattwitness.systemtests.support.Settings;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Logger;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance of the charts against real data: two files of {@code ../shared/data/pv} (the PV data folder beside the
 * repository, see the module README) replayed, each by one fresh simulated
 * device moved by whole days so that it ends a few days before now, through the real pipeline (Mosquitto, packaged
 * ingest-service, Kafka, packaged verify-service, PostgreSQL, packaged query-service; one stack for both). The
 * daily buckets of query-service's month chart, in the file's own zone, must equal within 1 Wh the daily totals
 * computed here straight from the CSV text, independently of the simulator's reader and integration:
 * <ul>
 *   <li>{@code system_10004_ac_energy.csv}: the largest {@code ac_energy_inv_16425} value (Wh) of each local day
 *       (the inverter's counter restarts every morning); days the replay covers entirely;</li>
 *   <li>{@code serf_east_1min_ac_power.csv}: the trapezoidal integral of the positive power of each local day.</li>
 * </ul>
 * Long histories, delivered as a device back from a months-long outage delivers them (its first reading on time,
 * the rest as late readings, SPEC.md §8), every day compared within 0.01 Wh with the exact integral of the positive
 * part of the file's curve per 15-minute reading interval (nothing in a hole of the record longer than four rows),
 * capped at the capacity ceiling:
 * <ul>
 *   <li>{@code serf_east_15min_ac_power.csv}: 105 days of power in W;</li>
 *   <li>{@code ac_power_inv_2173_stale_data.csv}: 32 days of normalised power with stale rows and holes;</li>
 *   <li>{@code ac_power_inv_7539_outliers.csv}: 11 days of normalised power with outliers, some above the
 *       ceiling.</li>
 * </ul>
 * Skipped with a message when {@code ../shared/data/pv} is absent (override: environment {@code WW_PV_DIR}).
 */
class PvReplayThroughPipelineIT {

    private static final Logger LOG = Logger.getLogger(PvReplayThroughPipelineIT.class.getName());
    private static final String ENERGY_FILE = "system_10004_ac_energy.csv";
    private static final String POWER_FILE = "serf_east_1min_ac_power.csv";
    private static final Duration COUNTER_INTERVAL = Duration.ofMinutes(5);
    private static final String SHORT_REPLAY_MAX_AGE = "P30D";
    private static final String SERF_15MIN_FILE = "serf_east_15min_ac_power.csv";
    private static final String STALE_FILE = "ac_power_inv_2173_stale_data.csv";
    private static final String OUTLIER_FILE = "ac_power_inv_7539_outliers.csv";
    /** The normalised files carry no nameplate: the one the booking-level test of query-service uses too. */
    private static final double NORMALISED_NAMEPLATE_W = 4_200;
    private static final Duration LONG_INTERVAL = Duration.ofMinutes(15);
    /** Per compared day of a long history: whole-mWh registers and the chart's 3 decimals stay far below this. */
    private static final double LONG_TOLERANCE_WH = 0.01;
    /** The capacity ceiling's documented margin (query-service, wattwitness.energy.capacity-margin-percent). */
    private static final double CEILING_MARGIN = 1.25;
    private static final double CEILING_ALLOWANCE_WH = 1.0;
    /** Per compared day: the simulator's whole-mWh register and the chart's rounding stay far below this. */
    private static final double TOLERANCE_WH = 1.0;
    private static final DateTimeFormatter CSV_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter CSV_OFFSET_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssXXX");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Settings settings;
    private static String topicRoot;
    private static String ingestClientId;
    private static String operatorToken;
    private static Path kafkaDir;
    private static LocalKafkaBroker kafka;
    private static ServiceProcess verify;
    private static ServiceProcess query;
    private static ServiceProcess ingest;
    private static String api;

    @TempDir
    Path state;

    /**
     * The file's rows as the test reads them, independently of the simulator's CSV reader.
     *
     * @param peakW the highest mean active power over one step of the file (W): the installation is registered with
     *        a nameplate capacity at or above it, so that the capacity ceiling of the register rules holds nothing
     */
    private record CsvDays(ZoneOffset offset, LocalDateTime firstLocal, LocalDateTime lastLocal,
            Map<LocalDate, Double> dailyTotalWh, double peakW) {

        /** @return the nameplate capacity the test registers: the file's peak rounded up to the next whole kW */
        double nameplateW() {
            return Math.max(1000, Math.ceil(peakW / 1000) * 1000);
        }
    }

    static Path pvDir() {
        String env = System.getenv("WW_PV_DIR");
        String property = System.getProperty("wattwitness.pv.dir");
        return Path.of(env != null ? env : property != null ? property : "../../shared/data/pv");
    }

    /**
     * Daily totals straight from the CSV: per local_measured_on date, the largest counter value (Wh). The site's
     * offset is the difference between local_measured_on and utc_measured_on, which must be the same on every row.
     */
    private static CsvDays readCounterDays(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertEquals("utc_measured_on,ac_energy_inv_16425,local_measured_on", lines.get(0).trim());
        Map<LocalDate, Double> totals = new TreeMap<>();
        ZoneOffset offset = null;
        LocalDateTime first = null;
        LocalDateTime last = null;
        double lastWh = 0;
        double peakW = 0;
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",");
            LocalDateTime utc = LocalDateTime.parse(cells[0].trim(), CSV_TIME);
            LocalDateTime local = LocalDateTime.parse(cells[2].trim(), CSV_TIME);
            ZoneOffset rowOffset = ZoneOffset.ofTotalSeconds((int) Duration.between(utc, local).getSeconds());
            if (offset == null) {
                offset = rowOffset;
            }
            assertEquals(offset, rowOffset, "one fixed offset in the file: " + line);
            double wh = Double.parseDouble(cells[1].trim());
            totals.merge(local.toLocalDate(), wh, Math::max);
            if (last != null && last.toLocalDate().equals(local.toLocalDate()) && wh > lastWh) {
                double hours = Duration.between(last, local).toMillis() / 3_600_000.0;
                peakW = Math.max(peakW, (wh - lastWh) / hours);
            }
            if (first == null) {
                first = local;
            }
            last = local;
            lastWh = wh;
        }
        return new CsvDays(offset, first, last, totals, peakW);
    }

    /**
     * Daily energy straight from a power CSV ({@code measured_on,<W>}, local times with one fixed offset): the
     * trapezoidal rule over consecutive rows of max(power, 0), booked to the local day the row pair starts in. Not
     * the simulator's method (it integrates the positive part of the interpolated curve exactly, splitting at zero
     * crossings): the two differ by under 0.1 Wh per day here. Asserts that the first and the last row are at
     * night (power &le; 0), so nothing was produced outside the file.
     */
    private static CsvDays readPowerDays(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertTrue(lines.get(0).trim().startsWith("measured_on,"), "power header: " + lines.get(0));
        Map<LocalDate, Double> totals = new TreeMap<>();
        ZoneOffset offset = null;
        OffsetDateTime first = null;
        OffsetDateTime previous = null;
        double previousW = 0;
        double peakW = 0;
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",");
            OffsetDateTime time = OffsetDateTime.parse(cells[0].trim(), CSV_OFFSET_TIME);
            double watts = Double.parseDouble(cells[1].trim());
            if (offset == null) {
                offset = time.getOffset();
                first = time;
                assertTrue(watts <= 0, "the file starts at night: " + line);
            }
            assertEquals(offset, time.getOffset(), "one fixed offset in the file: " + line);
            if (previous != null) {
                double hours = Duration.between(previous, time).toMillis() / 3_600_000.0;
                totals.merge(previous.toLocalDate(), (Math.max(previousW, 0) + Math.max(watts, 0)) / 2 * hours,
                        Double::sum);
            }
            previous = time;
            previousW = watts;
            peakW = Math.max(peakW, watts);
        }
        assertNotNull(previous, "rows in " + csv);
        assertTrue(previousW <= 0, "the file ends at night: " + previous + " " + previousW + " W");
        return new CsvDays(offset, first.toLocalDateTime(), previous.toLocalDateTime(), totals, peakW);
    }

    /** @return the IANA fixed-offset zone of a whole-hour offset (Etc/GMT+7 is UTC−7) */
    private static ZoneId etcZone(ZoneOffset offset) {
        int seconds = offset.getTotalSeconds();
        assertEquals(0, seconds % 3600, "whole-hour offset");
        int hours = -seconds / 3600;
        return ZoneId.of("Etc/GMT" + (hours >= 0 ? "+" : "-") + Math.abs(hours));
    }

    /** Starts (or restarts) verify-service with the given age limit for readings ({@code VERIFY_MAX_AGE}). */
    private static void startVerify(String maxAge) throws Exception {
        if (verify != null) {
            verify.stop();
        }
        verify = ServiceProcess.start("pv-replay-it-verify", settings.verifyJar(), Map.of(
                "DB_HOST", settings.pgHost(),
                "DB_PORT", Integer.toString(settings.pgPort()),
                "DB_NAME", settings.database(),
                "DB_USER", settings.pgUser(),
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "VERIFY_MAX_AGE", maxAge),
                LocalKafkaBroker.freePort(), settings.logDir());
        verify.awaitReady(PipelineStack.READY_TIMEOUT);
    }

    @BeforeAll
    static void startPipeline() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(pvDir().resolve(ENERGY_FILE))
                || Files.isReadable(pvDir().resolve(POWER_FILE)), "../shared/data/pv not present: replay through the"
                + " pipeline skipped (" + pvDir().toAbsolutePath().normalize() + " missing; set WW_PV_DIR to the"
                + " folder holding " + ENERGY_FILE + " and " + POWER_FILE + ")");
        settings = Settings.fromEnvironment();
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        String runId = HexFormat.of().formatHex(random);
        topicRoot = "wwst-" + runId + "/v1/devices";
        ingestClientId = "wwst-ingest-" + runId;
        operatorToken = "pv-replay-operator-" + runId;
        kafkaDir = Files.createTempDirectory("ww-system-kafka-");
        kafka = LocalKafkaBroker.start(kafkaDir, 0);
        // the short replays lie up to ~12 days in the past (the default limit is 72 h)
        startVerify(SHORT_REPLAY_MAX_AGE);
        query = ServiceProcess.start("pv-replay-it-query", queryJar(), Map.of(
                "DB_HOST", settings.pgHost(),
                "DB_PORT", Integer.toString(settings.pgPort()),
                "DB_NAME", settings.database(),
                "DB_USER", settings.pgUser(),
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "WATTWITNESS_TOKENS_OPERATOR", operatorToken,
                "WATTWITNESS_BATCHES_ENABLED", "false",
                // the longest replay interval: a gap is only booked as one when longer than 3 of these
                "WATTWITNESS_READING_INTERVAL", "5m"),
                LocalKafkaBroker.freePort(), settings.logDir());
        query.awaitReady(PipelineStack.READY_TIMEOUT);
        ingest = ServiceProcess.start("pv-replay-it-ingest", settings.ingestJar(), Map.of(
                "MQTT_HOST", settings.mqttHost(),
                "MQTT_PORT", Integer.toString(settings.mqttPort()),
                "MQTT_CLIENT_ID", ingestClientId,
                "MQTT_TOPIC_ROOT", topicRoot,
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()),
                LocalKafkaBroker.freePort(), settings.logDir());
        ingest.awaitReady(PipelineStack.READY_TIMEOUT);
        api = "http://127.0.0.1:" + query.httpPort() + "/api/v1";
    }

    @AfterAll
    static void stopPipeline() {
        if (ingest != null) {
            ingest.stop();
            discardSession(settings, ingestClientId);
        }
        if (query != null) {
            query.stop();
        }
        if (verify != null) {
            verify.stop();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (kafkaDir != null) {
            PipelineStack.deleteTree(kafkaDir);
        }
    }

    /**
     * system_10004: 5-minute readings of an energy counter that restarts every morning. Compared: every day the
     * file covers from 00:00 to 24:00 local.
     */
    @Test
    void energyCounterFileDailyTotalsEqualTheChartsDailyBuckets() throws Exception {
        Path csv = pvDir().resolve(ENERGY_FILE);
        Assumptions.assumeTrue(Files.isReadable(csv), csv.toAbsolutePath().normalize() + " missing: skipped");
        CsvDays file = readCounterDays(csv);
        Map<LocalDate, Double> wholeDays = new TreeMap<>();
        for (Map.Entry<LocalDate, Double> day : file.dailyTotalWh().entrySet()) {
            boolean startCovered = !file.firstLocal().isAfter(day.getKey().atStartOfDay());
            boolean endCovered = !file.lastLocal().isBefore(day.getKey().plusDays(1).atStartOfDay()
                    .minus(COUNTER_INTERVAL));
            if (startCovered && endCovered) {
                wholeDays.put(day.getKey(), day.getValue());
            }
        }
        assertTrue(wholeDays.size() >= 5, "at least 5 whole days to compare: " + wholeDays.keySet());
        int readings = replayAndCompare(csv, file, wholeDays, COUNTER_INTERVAL);
        assertTrue(readings > 1900, "about a week of 5-minute readings: " + readings);
    }

    /**
     * serf_east: 1-minute AC power of one inverter over two days, replayed as 1-minute readings whose register the
     * simulator integrates from the interpolated power. Compared: both days. The file starts at 04:33 and ends at
     * 23:59 local with the inverter at night (power &le; 0 W, asserted), so the minutes it lacks produced nothing.
     */
    @Test
    void powerFileDailyEnergyEqualsTheChartsDailyBuckets() throws Exception {
        Path csv = pvDir().resolve(POWER_FILE);
        Assumptions.assumeTrue(Files.isReadable(csv), csv.toAbsolutePath().normalize() + " missing: skipped");
        CsvDays file = readPowerDays(csv);
        assertEquals(2, file.dailyTotalWh().size(), "two local days in the file: " + file.dailyTotalWh());
        for (double wh : file.dailyTotalWh().values()) {
            assertTrue(wh > 20_000 && wh < 50_000, "a sunny March day of a ~4.6 kW inverter: " + wh + " Wh");
        }
        int readings = replayAndCompare(csv, file, file.dailyTotalWh(), Duration.ofMinutes(1));
        assertEquals(2607, readings, "one reading per row of the file");
    }

    /**
     * serf_east 15 min: about 104 days of AC power (W) of one inverter, UTC-7, no gaps. Registered at its peak
     * (5,426 W) rounded up to 6 kW, so the capacity ceiling holds nothing back.
     */
    @Test
    void serfEast15MinutesOver104DaysAsLateReadings() throws Exception {
        Path csv = pvDir().resolve(SERF_15MIN_FILE);
        Assumptions.assumeTrue(Files.isReadable(csv), csv.toAbsolutePath().normalize() + " missing: skipped");
        Curve curve = Curve.read(csv, 1);
        assertEquals(10_000, curve.ms().length, "10,000 rows of power");
        assertEquals(0, curve.holeHours(), 1e-9, "no hole in the record");
        LongReplay result = replayLongHistory(csv, curve, Math.ceil(curve.peakW() / 1000) * 1000);
        assertEquals(105, result.days(), "105 local days from 2016-07-01 to 2016-10-13");
        assertEquals(0, result.excessWh(), 1e-9, "no interval above the ceiling");
        assertEquals(Map.of(), result.registerStates(), "no register state on a register that only counts up");
    }

    /**
     * inv_2173: normalised AC power (× 4.2 kW) with 245 rows labelled stale (the value frozen for hours) and 1,149
     * rows without a number. What the product books: a stale value is power the meter reported, so the register
     * counts it and exactly the file's curve is booked for it, never more. Rows without a number leave holes in the
     * record (up to 87 h): where the record pauses for more than four of its steps the replayed meter produces
     * nothing, so no energy is booked that the file does not contain; a single missing row is bridged by the
     * straight line. Nothing exceeds the ceiling: a normalised value is at most 1.
     */
    @Test
    void staleValuesAreBookedAsTheFileReportsThemAndNoMore() throws Exception {
        Path csv = pvDir().resolve(STALE_FILE);
        Assumptions.assumeTrue(Files.isReadable(csv), csv.toAbsolutePath().normalize() + " missing: skipped");
        Curve curve = Curve.read(csv, NORMALISED_NAMEPLATE_W);
        assertEquals(1_149, curve.skipped(), "rows without a number");
        assertEquals(245, curve.labelled(), "rows labelled stale");
        assertEquals(289.0, curve.holeHours(), 1e-9, "nine holes in the record, from 8 h to 87 h");
        LongReplay result = replayLongHistory(csv, curve, NORMALISED_NAMEPLATE_W);
        assertEquals(32, result.days());
        assertEquals(0, result.excessWh(), 1e-9, "normalised values are at most 1: nothing above the ceiling");
        assertEquals(Map.of(), result.registerStates(), "no register state on a register that only counts up");
    }

    /**
     * inv_7539: normalised AC power (× 4.2 kW) with 6 rows labelled outliers (1.41, -0.5, -0.4, 2.0, 0.08 and 1.16).
     * What the product books: a negative outlier counts nothing (a production register never runs backwards, the
     * curve's negative part is not energy); a spike is counted by the meter's register, and what an interval's
     * register delta holds beyond capacity × duration × 1.25 + 1 Wh is held as excess, not booked, with the reading
     * marked {@code excess}. The computation here caps each reading interval the same way.
     */
    @Test
    void outliersAboveTheCeilingAreHeldAsExcess() throws Exception {
        Path csv = pvDir().resolve(OUTLIER_FILE);
        Assumptions.assumeTrue(Files.isReadable(csv), csv.toAbsolutePath().normalize() + " missing: skipped");
        Curve curve = Curve.read(csv, NORMALISED_NAMEPLATE_W);
        assertEquals(6, curve.labelled(), "rows labelled outliers");
        assertEquals(106.25, curve.holeHours(), 1e-9, "the ten nights the record pauses");
        LongReplay result = replayLongHistory(csv, curve, NORMALISED_NAMEPLATE_W);
        assertEquals(11, result.days());
        assertTrue(result.excessIntervals() > 0, "the 2.0 outlier lifts its intervals above the ceiling");
        assertTrue(result.excessWh() > 100, "excess held back (Wh): " + result.excessWh());
        assertEquals(Map.of("excess", (long) result.excessIntervals()), result.registerStates(),
                "one reading marked excess per interval above the ceiling");
    }

    /**
     * A file's power curve read straight from its text: times with offset in the first column, the value in the
     * second (× {@code scale}), rows whose value is empty or NaN skipped, a third column {@code True}/{@code False}
     * counted as labels.
     *
     * @param ms row times, Unix ms, ascending
     * @param watts row powers, W
     * @param offset the file's one UTC offset
     * @param skipped rows without a number
     * @param labelled rows whose third column is true
     */
    private record Curve(long[] ms, double[] watts, ZoneOffset offset, int skipped, int labelled) {

        /** A step longer than this many of the file's usual steps is a hole in the record: nothing produced. */
        static final int HOLE_STEPS = 4;

        static Curve read(Path csv, double scale) throws Exception {
            List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
            List<Long> times = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            ZoneOffset offset = null;
            int skipped = 0;
            int labelled = 0;
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",");
                OffsetDateTime time = OffsetDateTime.parse(cells[0].trim(), CSV_OFFSET_TIME);
                if (offset == null) {
                    offset = time.getOffset();
                }
                assertEquals(offset, time.getOffset(), "one fixed offset in the file: " + line);
                if (cells.length > 2 && cells[2].trim().equalsIgnoreCase("true")) {
                    labelled++;
                }
                String value = cells.length > 1 ? cells[1].trim() : "";
                if (value.isEmpty() || value.equalsIgnoreCase("nan")) {
                    skipped++;
                    continue;
                }
                times.add(time.toInstant().toEpochMilli());
                values.add(Double.parseDouble(value) * scale);
            }
            long[] ms = times.stream().mapToLong(Long::longValue).toArray();
            double[] watts = values.stream().mapToDouble(Double::doubleValue).toArray();
            return new Curve(ms, watts, offset, skipped, labelled);
        }

        double peakW() {
            return Arrays.stream(watts).max().orElse(0);
        }

        long first() {
            return ms[0];
        }

        long last() {
            return ms[ms.length - 1];
        }

        /** @return the exact integral (Wh) over [from, to] of the positive part of the curve drawn row to row */
        double positiveWh(long from, long to) {
            int i = 0;
            while (i + 2 < ms.length && ms[i + 1] <= from) {
                i++;
            }
            long hole = HOLE_STEPS * usualStepMs();
            double wh = 0;
            long t = from;
            while (t < to) {
                long end = Math.min(to, ms[i + 1]);
                if (ms[i + 1] - ms[i] <= hole) {
                    wh += positiveArea(at(i, t), at(i, end), end - t);
                }
                t = end;
                i++;
            }
            return wh;
        }

        /** @return the most common step between rows, ms */
        long usualStepMs() {
            Map<Long, Integer> counts = new TreeMap<>();
            for (int i = 0; i + 1 < ms.length; i++) {
                counts.merge(ms[i + 1] - ms[i], 1, Integer::sum);
            }
            return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        }

        /** @return the hours the record pauses in its holes */
        double holeHours() {
            long hole = HOLE_STEPS * usualStepMs();
            long total = 0;
            for (int i = 0; i + 1 < ms.length; i++) {
                total += ms[i + 1] - ms[i] > hole ? ms[i + 1] - ms[i] : 0;
            }
            return total / 3_600_000.0;
        }

        private double at(int segment, long t) {
            double fraction = (t - ms[segment]) / (double) (ms[segment + 1] - ms[segment]);
            return watts[segment] + (watts[segment + 1] - watts[segment]) * fraction;
        }

        /** Wh of max(0, p) for p linear from a to b (W) over {@code durationMs}. */
        private static double positiveArea(double a, double b, long durationMs) {
            double hours = durationMs / 3_600_000.0;
            if (a >= 0 && b >= 0) {
                return (a + b) / 2 * hours;
            }
            if (a <= 0 && b <= 0) {
                return 0;
            }
            double up = Math.max(a, b);
            double down = -Math.min(a, b);
            return up * up / (up + down) / 2 * hours;
        }
    }

    /**
     * What a long replay gave.
     *
     * @param days local days compared
     * @param largestDifferenceWh the largest |chart bucket − file| over those days
     * @param excessWh energy held above the ceiling, computed from the file
     * @param excessIntervals reading intervals above the ceiling, computed from the file
     * @param registerStates register states query-service wrote on the device's readings, by state
     */
    private record LongReplay(int days, double largestDifferenceWh, double excessWh, int excessIntervals,
            Map<String, Long> registerStates) {
    }

    /**
     * Replays a long history through the pipeline as a device back from a long outage would deliver it: its first
     * reading arrives while verify-service accepts readings as old as the whole file (the device's history before
     * the outage), then verify-service runs with the product's default age limit (72 h) and every later reading
     * older than that is accepted only as a late reading continuing the stored sequence (SPEC.md §8). Every day's
     * bucket of the month charts covering the replay is compared with the file: per 15-minute reading interval, the
     * exact integral of the positive part of the curve drawn row to row, capped at the capacity ceiling.
     */
    private LongReplay replayLongHistory(Path csv, Curve curve, double nameplateW) throws Exception {
        ZoneId zone = etcZone(curve.offset());
        long step = LONG_INTERVAL.toMillis();
        assertEquals(0, (curve.last() - curve.first()) % step, "rows on the 15-minute grid of the first row");
        LocalDate firstFileDay = LocalDate.ofInstant(Instant.ofEpochMilli(curve.first()), zone);
        LocalDate lastFileDay = LocalDate.ofInstant(Instant.ofEpochMilli(curve.last()), zone);
        int days = (int) ChronoUnit.DAYS.between(firstFileDay, lastFileDay) + 1;
        LocalDate today = LocalDate.now(zone);
        long shiftDays = ChronoUnit.DAYS.between(firstFileDay, today.minusDays(days + 2L));
        long shiftMs = Duration.ofDays(shiftDays).toMillis();

        // the file's days, from its text: one reading every 15 minutes from the first row to the last
        Map<LocalDate, Double> expected = new TreeMap<>();
        double excessWh = 0;
        int excessIntervals = 0;
        long readingsExpected = (curve.last() - curve.first()) / step + 1;
        for (long a = curve.first(); a < curve.last(); a += step) {
            long b = a + step;
            double produced = curve.positiveWh(a, b);
            double ceiling = nameplateW * step / 3_600_000.0 * CEILING_MARGIN + CEILING_ALLOWANCE_WH;
            double counted = Math.min(produced, ceiling);
            if (produced > ceiling) {
                excessWh += produced - ceiling;
                excessIntervals++;
            }
            LocalDate day = LocalDate.ofInstant(Instant.ofEpochMilli(a), zone).plusDays(shiftDays);
            assertEquals(day, LocalDate.ofInstant(Instant.ofEpochMilli(b - 1), zone).plusDays(shiftDays),
                    "a reading interval never spans midnight on a whole-hour offset");
            expected.merge(day, counted, Double::sum);
        }

        ReplaySeries series = CsvReplayReader.read(csv);
        Site site = new Site(Site.DEFAULT.namePrefix(), Site.DEFAULT.latitudeDeg(), Site.DEFAULT.longitudeDeg(), zone,
                nameplateW);
        Simulator simulator = Simulator.builder().stateDir(state).site(site).interval(LONG_INTERVAL)
                .faults(Faults.NONE).source(installation -> series.toSource(installation.capacityW())
                        .shiftedBy(Duration.ofMillis(shiftMs)))
                .start(series.first().plus(Duration.ofMillis(shiftMs))).build();
        SimulatedDevice device = simulator.devices().get(0);
        long installationId = register(api, operatorToken, device, zone);
        Set<String> ids = Set.of(device.deviceIdHex());
        Instant sendStart;
        long readings;
        try (MqttTransport mqtt = MqttTransport.builder(settings.mqttUri()).topicRoot(topicRoot).cleanSession(true)
                .statusMessages(false).ackTimeout(Duration.ofSeconds(10), Duration.ofSeconds(60)).build()) {
            mqtt.open(List.of(device), resent -> { });
            startVerify("P" + (days + 10) + "D");
            simulator.run(mqtt, emission -> { }, 1, 0, () -> true, () -> { });
            assertTrue(mqtt.awaitEmpty(device, Duration.ofMinutes(2)), () -> "the first reading acknowledged: "
                    + mqtt.counters(device));
            startVerify("PT72H");
            sendStart = Instant.now();
            simulator.run(mqtt, emission -> { }, 0, 0, () -> true, () -> { });
            assertTrue(mqtt.awaitEmpty(device, Duration.ofMinutes(8)), () -> "every replayed reading acknowledged: "
                    + mqtt.outboxSizes() + ", " + mqtt.counters(device));
            readings = mqtt.counters(device).sent();
            LOG.info(csv.getFileName() + " delivery: " + mqtt.counters(device));
        } finally {
            startVerify(SHORT_REPLAY_MAX_AGE);
        }
        Instant sendEnd = Instant.now();
        assertTrue(simulator.exhausted(), "the whole file was replayed");
        assertEquals(readingsExpected, readings, "one reading per 15 minutes from the first row to the last");

        Database database = new Database(settings);
        Database.Counts counts = Poll.until(Duration.ofMinutes(4), Duration.ofSeconds(1),
                () -> database.counts(ids), c -> c.readings() >= readings);
        assertNotNull(counts, "the database could be read");
        assertEquals(readings, counts.readings(), "every replayed reading stored");
        assertEquals(0, counts.quarantined(), "nothing quarantined");
        List<Long> late = database.lateSeqs(ids);
        long cutoffLow = sendStart.minus(Duration.ofHours(72)).toEpochMilli() - shiftMs;
        long cutoffHigh = sendEnd.minus(Duration.ofHours(72)).toEpochMilli() - shiftMs;
        long lateAtLeast = 0;
        long lateAtMost = 0;
        for (long k = 1; k < readingsExpected; k++) {
            long time = curve.first() + k * step;
            lateAtLeast += time < cutoffLow ? 1 : 0;
            lateAtMost += time < cutoffHigh ? 1 : 0;
        }
        assertTrue(!late.isEmpty() && late.get(0) > 0, "the first reading arrived on time, the ones after it late");
        assertTrue(late.size() >= lateAtLeast && late.size() <= lateAtMost, "late readings: " + late.size()
                + ", those older than 72 h on arrival: " + lateAtLeast + ".." + lateAtMost);

        // the month charts ending on the last replayed day, then 30, 60, ... days before it
        LocalDate lastDay = lastFileDay.plusDays(shiftDays);
        Map<LocalDate, Double> charted = new TreeMap<>();
        for (LocalDate end = lastDay; !end.isBefore(firstFileDay.plusDays(shiftDays)); end = end.minusDays(30)) {
            Map<LocalDate, Double> window = new TreeMap<>();
            LocalDate windowEnd = end;
            expected.forEach((day, wh) -> {
                if (!day.isAfter(windowEnd) && day.isAfter(windowEnd.minusDays(30))) {
                    window.put(day, wh);
                }
            });
            String chartUri = api + "/readings/" + installationId + "/chart?time_frame=month&tz="
                    + URLEncoder.encode(zone.getId(), StandardCharsets.UTF_8) + "&end="
                    + end.plusDays(1).atStartOfDay(zone).toInstant().minusSeconds(1);
            // A bound, not a timing: query-service books 10,000 late readings (each refresh widened to the readings
            // that decide its slots) in about 3 minutes on an idle 2-core machine; the wait leaves room for a
            // loaded one.
            JsonNode chart = Poll.until(Duration.ofMinutes(10), Duration.ofSeconds(2), () -> get(chartUri),
                    c -> differences(c, zone, window, LONG_TOLERANCE_WH).isEmpty());
            assertNotNull(chart, "chart answered: " + chartUri);
            assertEquals(Map.of(), differences(chart, zone, window, LONG_TOLERANCE_WH),
                    "chart bucket vs file (Wh) per day differing by more than " + LONG_TOLERANCE_WH + " Wh");
            window.keySet().forEach(day -> charted.put(day, bucket(chart, zone, day)));
        }
        assertEquals(expected.keySet(), charted.keySet(), "every day of the file compared");
        double largest = 0;
        double fileWh = 0;
        double chartWh = 0;
        for (LocalDate day : expected.keySet()) {
            largest = Math.max(largest, Math.abs(charted.get(day) - expected.get(day)));
            fileWh += expected.get(day);
            chartWh += charted.get(day);
        }
        // written with the rollups, which the charts above already waited for
        Map<String, Long> states = database.registerStates(ids);
        LOG.info(String.format("%s through the pipeline: %d days, %d readings (%d late), nameplate %.0f W: file %.3f Wh,"
                + " chart %.3f Wh, largest daily difference %.4f Wh; excess held %.3f Wh in %d intervals; %.2f h"
                + " of holes in the record; register states %s", csv.getFileName(), days, readings, late.size(),
                nameplateW, fileWh, chartWh, largest, excessWh, excessIntervals, curve.holeHours(), states));
        return new LongReplay(expected.size(), largest, excessWh, excessIntervals, states);
    }

    /**
     * Replays the file with one fresh simulated device (moved by whole days so that it ends two days before today in
     * the file's zone) through the pipeline, registers its installation in that zone, and compares the month
     * chart's daily buckets with {@code expected} (file days).
     *
     * @return the number of readings sent
     */
    private int replayAndCompare(Path csv, CsvDays file, Map<LocalDate, Double> expectedFileDays, Duration interval)
            throws Exception {
        ZoneId zone = etcZone(file.offset());
        assertEquals(zone.getRules().getOffset(Instant.EPOCH), file.offset());
        int daysInFile = file.dailyTotalWh().size();
        LocalDate today = LocalDate.now(zone);
        LocalDate firstReplayedDay = today.minusDays(daysInFile + 2L);
        long shiftDays = ChronoUnit.DAYS.between(file.firstLocal().toLocalDate(), firstReplayedDay);
        Duration shift = Duration.ofDays(shiftDays);
        ReplaySeries series = CsvReplayReader.read(csv);
        assertTrue(file.peakW() > 1000 && file.peakW() < 20_000, "a residential inverter's peak: " + file.peakW());
        Site site = new Site(Site.DEFAULT.namePrefix(), Site.DEFAULT.latitudeDeg(), Site.DEFAULT.longitudeDeg(), zone,
                file.nameplateW());
        Simulator simulator = Simulator.builder().stateDir(state).site(site).interval(interval).faults(Faults.NONE)
                .source(installation -> series.toSource(installation.capacityW()).shiftedBy(shift))
                .start(series.first().plus(shift)).build();
        SimulatedDevice device = simulator.devices().get(0);
        Map<LocalDate, Double> expected = new TreeMap<>();
        expectedFileDays.forEach((day, wh) -> expected.put(day.plusDays(shiftDays), wh));
        LocalDate lastReplayedDay = file.lastLocal().toLocalDate().plusDays(shiftDays);
        assertTrue(lastReplayedDay.isBefore(today), "the replay ends before today: " + lastReplayedDay);

        long installationId = register(api, operatorToken, device, zone);
        // the device follows SPEC.md §6.2: outbox, window, resend until verify-service's acks name every reading
        int readings;
        try (MqttTransport mqtt = MqttTransport.builder(settings.mqttUri()).topicRoot(topicRoot).cleanSession(true)
                .statusMessages(false).ackTimeout(Duration.ofSeconds(10), Duration.ofSeconds(60)).build()) {
            mqtt.open(List.of(device), resent -> { });
            simulator.run(mqtt, emission -> { }, 0, 0, () -> true, () -> { });
            assertTrue(mqtt.awaitEmpty(device, Duration.ofMinutes(6)), () -> "every replayed reading acknowledged: "
                    + mqtt.outboxSizes() + ", " + mqtt.counters(device));
            readings = (int) mqtt.counters(device).sent();
            LOG.info("replay delivery: " + mqtt.counters(device));
        }
        assertTrue(simulator.exhausted(), "the whole file was replayed");

        Database database = new Database(settings);
        Set<String> ids = Set.of(device.deviceIdHex());
        Database.Counts counts = Poll.until(Duration.ofMinutes(4), Duration.ofSeconds(1),
                () -> database.counts(ids), c -> c.readings() >= readings);
        assertNotNull(counts, "the database could be read");
        assertEquals(readings, counts.readings(), "every replayed reading stored");
        assertEquals(0, counts.quarantined(), "nothing quarantined");

        Instant end = lastReplayedDay.plusDays(1).atStartOfDay(zone).toInstant().minusSeconds(1);
        String chartUri = api + "/readings/" + installationId + "/chart?time_frame=month&tz="
                + URLEncoder.encode(zone.getId(), StandardCharsets.UTF_8) + "&end=" + end;
        // the rollups follow readings.verified asynchronously: wait until the compared days are booked
        JsonNode chart = Poll.until(Duration.ofMinutes(3), Duration.ofSeconds(2), () -> get(chartUri),
                c -> differences(c, zone, expected).isEmpty());
        assertNotNull(chart, "chart answered: " + chartUri);
        LOG.info("chart " + chartUri + ": " + chart);

        JsonNode points = chart.get("data_points");
        assertEquals(30, points.size(), "30 daily buckets");
        assertEquals("month", chart.get("time_frame").asText());
        assertEquals(zone.getId(), chart.get("timezone").asText());
        assertEquals(lastReplayedDay.atStartOfDay(zone).toEpochSecond(),
                points.get(points.size() - 1).get("timestamp").asLong(), "the last bucket is the last replayed day");
        assertEquals(Map.of(), differences(chart, zone, expected),
                "chart bucket vs file total (Wh) per day that differs by more than " + TOLERANCE_WH + " Wh");
        double sum = 0;
        for (JsonNode point : points) {
            sum += point.get("value").asDouble();
        }
        assertEquals(sum, chart.get("total_energy").asDouble(), 1e-6, "total_energy = sum of the buckets");
        double expectedSum = expected.values().stream().mapToDouble(Double::doubleValue).sum();
        double comparedSum = 0;
        for (LocalDate day : expected.keySet()) {
            comparedSum += bucket(chart, zone, day);
        }
        assertEquals(expectedSum, comparedSum, TOLERANCE_WH * expected.size(), "compared days in total");
        LOG.info(String.format("%s: compared %d days: file %.3f Wh, chart %.3f Wh; chart total_energy %.3f Wh"
                + " over %d readings; per day (file): %s", csv.getFileName(), expected.size(), expectedSum,
                comparedSum, chart.get("total_energy").asDouble(), readings, expected));
        return readings;
    }

    private static Path queryJar() {
        return Path.of(System.getProperty("wattwitness.query.jar",
                "../query-service/target/quarkus-app/quarkus-run.jar")).toAbsolutePath().normalize();
    }

    /** Registers the device's installation through the query API; returns its id. */
    private static long register(String api, String token, SimulatedDevice device, ZoneId zone) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("name", "pv replay " + device.deviceIdHex());
        body.put("shelly_mac", device.installation().meterMacHex());
        body.put("public_key", device.key().hex());
        body.put("timezone", zone.getId());
        body.put("latitude", device.installation().latitudeDeg());
        body.put("longitude", device.installation().longitudeDeg());
        body.put("capacity_w", device.installation().capacityW());
        HttpRequest request = HttpRequest.newBuilder(URI.create(api + "/installations/"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), () -> "installation created: " + response.body());
        JsonNode created = JSON.readTree(response.body());
        assertEquals(device.deviceIdHex(), created.get("device_id").asText());
        assertEquals(zone.getId(), created.get("timezone").asText());
        return created.get("id").asLong();
    }

    private static JsonNode get(String uri) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + uri + ": " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** @return the chart's value (Wh) of the bucket starting at the local day's midnight, NaN when absent */
    private static double bucket(JsonNode chart, ZoneId zone, LocalDate day) {
        long start = day.atStartOfDay(zone).toEpochSecond();
        for (JsonNode point : chart.get("data_points")) {
            if (point.get("timestamp").asLong() == start) {
                return point.get("value").asDouble();
            }
        }
        return Double.NaN;
    }

    /** @return day → "chart vs file" for every compared day whose bucket is absent or off by more than 1 Wh */
    private static Map<LocalDate, String> differences(JsonNode chart, ZoneId zone, Map<LocalDate, Double> expected) {
        return differences(chart, zone, expected, TOLERANCE_WH);
    }

    private static Map<LocalDate, String> differences(JsonNode chart, ZoneId zone, Map<LocalDate, Double> expected,
            double toleranceWh) {
        Map<LocalDate, String> out = new TreeMap<>();
        for (Map.Entry<LocalDate, Double> day : expected.entrySet()) {
            double value = bucket(chart, zone, day.getKey());
            if (Double.isNaN(value) || Math.abs(value - day.getValue()) > toleranceWh) {
                out.put(day.getKey(), value + " vs " + day.getValue());
            }
        }
        return out;
    }

    private static void discardSession(Settings settings, String clientId) {
        try {
            MqttClient client = new MqttClient(settings.mqttUri(), clientId, new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            client.connect(options);
            client.disconnect();
            client.close();
        } catch (MqttException e) {
            LOG.warning("could not discard the MQTT session " + clientId + ": " + e);
        }
    }
}
