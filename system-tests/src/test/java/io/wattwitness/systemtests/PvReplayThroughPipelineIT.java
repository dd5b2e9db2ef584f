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
 * Acceptance (query-service issue): two files of {@code ../shared/data/pv} replayed, each by one fresh simulated
 * device moved by whole days so that it ends a few days before now, through the real pipeline (Mosquitto, packaged
 * ingest-service, Kafka, packaged verify-service, PostgreSQL, packaged query-service; one stack for both). The
 * daily buckets of query-service's month chart, in the file's own zone, must equal within 1 Wh the daily totals
 * computed here straight from the CSV text, independently of the simulator's reader and integration:
 * <ul>
 *   <li>{@code system_10004_ac_energy.csv}: the largest {@code ac_energy_inv_16425} value (Wh) of each local day
 *       (the inverter's counter restarts every morning); days the replay covers entirely;</li>
 *   <li>{@code serf_east_1min_ac_power.csv}: the trapezoidal integral of the positive power of each local day.</li>
 * </ul>
 * Skipped with a message when {@code ../shared/data/pv} is absent (override: environment {@code WW_PV_DIR}).
 */
class PvReplayThroughPipelineIT {

    private static final Logger LOG = Logger.getLogger(PvReplayThroughPipelineIT.class.getName());
    private static final String ENERGY_FILE = "system_10004_ac_energy.csv";
    private static final String POWER_FILE = "serf_east_1min_ac_power.csv";
    private static final Duration COUNTER_INTERVAL = Duration.ofMinutes(5);
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
        verify = ServiceProcess.start("pv-replay-it-verify", settings.verifyJar(), Map.of(
                "DB_HOST", settings.pgHost(),
                "DB_PORT", Integer.toString(settings.pgPort()),
                "DB_NAME", settings.database(),
                "DB_USER", settings.pgUser(),
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                // replayed days lie up to ~12 days in the past (the default limit is 72 h)
                "VERIFY_MAX_AGE", "P30D"),
                LocalKafkaBroker.freePort(), settings.logDir());
        verify.awaitReady(PipelineStack.READY_TIMEOUT);
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
        Map<LocalDate, String> out = new TreeMap<>();
        for (Map.Entry<LocalDate, Double> day : expected.entrySet()) {
            double value = bucket(chart, zone, day.getKey());
            if (Double.isNaN(value) || Math.abs(value - day.getValue()) > TOLERANCE_WH) {
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
