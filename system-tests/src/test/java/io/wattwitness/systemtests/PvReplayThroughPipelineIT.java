package io.wattwitness.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattwitness.kafka.LocalKafkaBroker;
import io.wattwitness.simulator.service.Faults;
import io.wattwitness.simulator.service.SimulatedDevice;
import io.wattwitness.simulator.service.Simulator;
import io.wattwitness.simulator.source.CsvReplayReader;
import io.wattwitness.simulator.source.ReplaySeries;
import io.wattwitness.systemtests.support.Database;
import io.wattwitness.systemtests.support.DeviceMqttTransport;
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
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance (query-service issue): {@code ../shared/data/pv/system_10004_ac_energy.csv} replayed by one simulated
 * device (5-minute readings, moved by whole days so that it ends a few days before now) through the real pipeline
 * (Mosquitto, packaged ingest-service, Kafka, packaged verify-service, PostgreSQL, packaged query-service). The
 * daily buckets of query-service's month chart must equal, within 1 Wh, the daily totals computed here straight
 * from the CSV text: the largest {@code ac_energy_inv_16425} value (Wh) of each local day (the inverter's counter
 * restarts every morning). Only days the replay covers entirely are compared. Skipped with a message when
 * {@code ../shared/data/pv} is absent (override: environment {@code WW_PV_DIR}).
 */
class PvReplayThroughPipelineIT {

    private static final Logger LOG = Logger.getLogger(PvReplayThroughPipelineIT.class.getName());
    private static final String FILE = "system_10004_ac_energy.csv";
    private static final Duration INTERVAL = Duration.ofMinutes(5);
    private static final DateTimeFormatter CSV_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path state;

    /** The file's rows as the test reads them, independently of the simulator's CSV reader. */
    private record CsvDays(ZoneOffset offset, LocalDateTime firstLocal, LocalDateTime lastLocal,
            Map<LocalDate, Double> dailyTotalWh) {
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
    private static CsvDays readDays(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertEquals("utc_measured_on,ac_energy_inv_16425,local_measured_on", lines.get(0).trim());
        Map<LocalDate, Double> totals = new TreeMap<>();
        ZoneOffset offset = null;
        LocalDateTime first = null;
        LocalDateTime last = null;
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
            if (first == null) {
                first = local;
            }
            last = local;
        }
        return new CsvDays(offset, first, last, totals);
    }

    /** @return the IANA fixed-offset zone of a whole-hour offset (Etc/GMT+7 is UTC−7) */
    private static ZoneId etcZone(ZoneOffset offset) {
        int seconds = offset.getTotalSeconds();
        assertEquals(0, seconds % 3600, "whole-hour offset");
        int hours = -seconds / 3600;
        return ZoneId.of("Etc/GMT" + (hours >= 0 ? "+" : "-") + Math.abs(hours));
    }

    @Test
    void dailyChartBucketsEqualTheFilesDailyTotals() throws Exception {
        Path csv = pvDir().resolve(FILE);
        Assumptions.assumeTrue(Files.isReadable(csv), "../shared/data/pv not present: replay through the pipeline"
                + " skipped (" + csv.toAbsolutePath().normalize() + " missing; set WW_PV_DIR to the folder holding "
                + FILE + ")");
        CsvDays file = readDays(csv);
        ZoneId zone = etcZone(file.offset());
        assertEquals(zone.getRules().getOffset(Instant.EPOCH), file.offset());

        // Move the replay by whole days so that it starts (days in file + 2) local days before today.
        int daysInFile = file.dailyTotalWh().size();
        LocalDate today = LocalDate.now(zone);
        LocalDate firstReplayedDay = today.minusDays(daysInFile + 2L);
        long shiftDays = ChronoUnit.DAYS.between(file.firstLocal().toLocalDate(), firstReplayedDay);
        Duration shift = Duration.ofDays(shiftDays);
        ReplaySeries series = CsvReplayReader.read(csv);
        Simulator simulator = Simulator.builder().stateDir(state).interval(INTERVAL).faults(Faults.NONE)
                .source(installation -> series.toSource(installation.capacityW()).shiftedBy(shift))
                .start(series.first().plus(shift)).build();
        SimulatedDevice device = simulator.devices().get(0);

        // Days the replay covers from 00:00 to 24:00 local: all but the first and the last of the file.
        Map<LocalDate, Double> expected = new TreeMap<>();
        for (Map.Entry<LocalDate, Double> day : file.dailyTotalWh().entrySet()) {
            boolean startCovered = !file.firstLocal().isAfter(day.getKey().atStartOfDay());
            boolean endCovered = !file.lastLocal().isBefore(day.getKey().plusDays(1).atStartOfDay()
                    .minus(INTERVAL));
            if (startCovered && endCovered) {
                expected.put(day.getKey().plusDays(shiftDays), day.getValue());
            }
        }
        assertTrue(expected.size() >= 5, "at least 5 whole days to compare: " + expected.keySet());
        LocalDate lastReplayedDay = file.lastLocal().toLocalDate().plusDays(shiftDays);
        assertTrue(lastReplayedDay.isBefore(today), "the replay ends before today: " + lastReplayedDay);

        Settings settings = Settings.fromEnvironment();
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        String runId = HexFormat.of().formatHex(random);
        String topicRoot = "wwst-" + runId + "/v1/devices";
        String ingestClientId = "wwst-ingest-" + runId;
        String operatorToken = "pv-replay-operator-" + runId;
        Path kafkaDir = Files.createTempDirectory("ww-system-kafka-");
        LocalKafkaBroker kafka = null;
        ServiceProcess verify = null;
        ServiceProcess ingest = null;
        ServiceProcess query = null;
        try {
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

            String api = "http://127.0.0.1:" + query.httpPort() + "/api/v1";
            long installationId = register(api, operatorToken, device, zone);

            List<DeviceMqttTransport.Sent> sent = Collections.synchronizedList(new ArrayList<>());
            try (DeviceMqttTransport mqtt = new DeviceMqttTransport(settings.mqttUri(), topicRoot, Duration.ZERO,
                    sent::add)) {
                mqtt.open(List.of(device), resent -> { });
                simulator.run(mqtt, emission -> { }, 0, 0, () -> true, () -> { });
            }
            assertTrue(simulator.exhausted(), "the whole file was replayed");
            int readings = sent.size();
            assertTrue(readings > 1900, "about a week of 5-minute readings: " + readings);

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
                    "chart bucket vs file total (Wh) per day that differs by more than 1 Wh");
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
            assertEquals(expectedSum, comparedSum, expected.size(), "compared days in total");
            LOG.info(String.format("compared %d days: file %.1f Wh, chart %.3f Wh; chart total_energy %.3f Wh"
                    + " over %d readings; per day (file): %s", expected.size(), expectedSum, comparedSum,
                    chart.get("total_energy").asDouble(), readings, expected));
        } finally {
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
            PipelineStack.deleteTree(kafkaDir);
        }
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
            if (Double.isNaN(value) || Math.abs(value - day.getValue()) > 1.0) {
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
