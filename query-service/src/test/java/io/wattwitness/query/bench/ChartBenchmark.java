package io.wattwitness.query.bench;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.logging.Log;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.wattwitness.kafka.KafkaBrokerTestResource;
import io.wattwitness.query.QueryDatabaseTestResource;
import io.wattwitness.query.TestData;
import io.wattwitness.query.TestData.Device;
import io.wattwitness.query.rest.model.ChartView;
import io.wattwitness.query.service.EnergyService;
import io.wattwitness.query.service.energy.TimeFrame;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Load-generator benchmark (not part of the default test run; surefire only picks up *Test classes):
 * one installation with a year of 10-second readings (3,153,600 rows), rollups built from them, then the server time
 * of every chart time frame from the rollups beside the same chart computed from raw rows, and the storage per
 * installation-year. Week, month and year are also timed from the 5-minute slots only (interleaved with the
 * served path, which reads the hourly rollups). Run:
 * {@code DB_NAME=wattwitness_query_bench mvn -B -pl query-service -am test -Dtest=ChartBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}; the report is written to {@code query-service/target/benchmarks-query.md}.
 */
@QuarkusTest
@QuarkusTestResource(QueryDatabaseTestResource.class)
@QuarkusTestResource(KafkaBrokerTestResource.class)
class ChartBenchmark {

    private static final long READINGS = 365L * 8640;
    private static final Instant START = Instant.parse("2023-01-01T00:00:00Z");

    @Inject
    EnergyService energy;

    @Test
    void yearOfTenSecondReadings() throws SQLException, IOException {
        Device device = TestData.installation("Europe/Brussels");
        StringBuilder report = new StringBuilder();
        long t = System.nanoTime();
        generate(device);
        report.append("- generated ").append(READINGS).append(" readings in ").append(seconds(t)).append(" s\n");

        t = System.nanoTime();
        long day = 86_400_000L;
        int slots = 0;
        for (long from = START.toEpochMilli(); from < START.toEpochMilli() + 365 * day; from += day) {
            slots += energy.rebuild(device.id(), from, from + day - 1).await().atMost(Duration.ofMinutes(2));
        }
        report.append("- rollups rebuilt day by day in ").append(seconds(t)).append(" s: ").append(slots).append(" slot rows\n");
        try (Connection connection = QueryDatabaseTestResource.connect();
                Statement analyze = connection.createStatement()) {
            analyze.execute("ANALYZE energy_slots");
            analyze.execute("ANALYZE energy_hours");
        }

        ZoneId zone = ZoneId.of("Europe/Brussels");
        Instant end = START.plus(Duration.ofDays(364)).plus(Duration.ofHours(13));
        report.append("- energy_hours rows: ").append(TestData.queryLong("SELECT count(*) FROM energy_hours WHERE "
                + "installation_id = ?", device.id())).append("\n\n");
        report.append("| time frame | buckets | p50 rollups (ms) | p95 rollups (ms) | p50 slots only (ms) | p95 slots only (ms) "
                + "| p50 raw (ms) | p95 raw (ms) | p95 rollups via HTTP (ms) | runs rollups/raw |\n");
        report.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (TimeFrame frame : TimeFrame.values()) {
            String id = Long.toString(device.id());
            JsonPath fromRollups = given().queryParam("time_frame", frame.wire()).queryParam("end", end.toString())
                    .get("/api/v1/readings/" + id + "/chart").then().statusCode(200).extract().jsonPath();
            ChartView fromRaw = energy.chartFromRaw(device.id(), frame, zone, end).await().atMost(Duration.ofMinutes(5));
            assertEquals(fromRaw.totalEnergy(), fromRollups.getDouble("total_energy"), fromRaw.totalEnergy() * 1e-6,
                    "rollups equal raw for " + frame);
            ChartView direct = energy.chartOf(device.id(), frame, zone, end).await().atMost(Duration.ofMinutes(1));
            assertEquals(fromRaw.totalEnergy(), direct.totalEnergy(), fromRaw.totalEnergy() * 1e-9);
            ChartView slotsOnly = energy.chartFromSlots(device.id(), frame, zone, end).await()
                    .atMost(Duration.ofMinutes(1));
            assertEquals(slotsOnly.dataPoints(), direct.dataPoints(), "hours equal slots for " + frame);
            int runsRollups = 50;
            List<Double> httpTimes = new ArrayList<>();
            for (int i = 0; i < runsRollups; i++) {
                long start = System.nanoTime();
                given().queryParam("time_frame", frame.wire()).queryParam("end", end.toString())
                        .get("/api/v1/readings/" + id + "/chart").then().statusCode(200);
                httpTimes.add((System.nanoTime() - start) / 1e6);
            }
            // -Dbenchmark.raw-runs=N overrides the number of raw runs per frame (0: the raw chart is computed once,
            // for the equality check, and not timed; for a loaded machine when only the rollup paths are compared)
            int runsRaw = Integer.getInteger("benchmark.raw-runs",
                    frame == TimeFrame.YEAR || frame == TimeFrame.MONTH ? 5 : 20);
            // the chart as served (hours and edge slots for week, month, year) and from the slots only, interleaved
            List<Double> rollupTimes = new ArrayList<>();
            List<Double> slotTimes = new ArrayList<>();
            for (int i = 0; i < runsRollups; i++) {
                long start = System.nanoTime();
                energy.chartOf(device.id(), frame, zone, end).await().atMost(Duration.ofMinutes(1));
                rollupTimes.add((System.nanoTime() - start) / 1e6);
                start = System.nanoTime();
                energy.chartFromSlots(device.id(), frame, zone, end).await().atMost(Duration.ofMinutes(1));
                slotTimes.add((System.nanoTime() - start) / 1e6);
            }
            List<Double> rawTimes = new ArrayList<>();
            for (int i = 0; i < runsRaw; i++) {
                long start = System.nanoTime();
                energy.chartFromRaw(device.id(), frame, zone, end).await().atMost(Duration.ofMinutes(5));
                rawTimes.add((System.nanoTime() - start) / 1e6);
            }
            report.append(String.format("| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %d/%d |%n",
                    frame.wire(), fromRollups.getList("data_points").size(), percentile(rollupTimes, 50),
                    percentile(rollupTimes, 95), percentile(slotTimes, 50), percentile(slotTimes, 95),
                    rawTimes.isEmpty() ? Double.NaN : percentile(rawTimes, 50),
                    rawTimes.isEmpty() ? Double.NaN : percentile(rawTimes, 95), percentile(httpTimes, 95), runsRollups, runsRaw));
        }
        report.append('\n').append(storage(device.id()));
        Files.writeString(Path.of("target/benchmarks-query.md"), report.toString());
        Log.info("benchmark report:\n" + report);
    }

    private static void generate(Device device) throws SQLException {
        // a clear-sky-like day curve peaking at 4 kW, register integrating it; message/signature bytes are
        // placeholders of the right length (query-service never re-verifies); batch_id 0 and is_on_chain keep the
        // sealer and the pending list away from them
        String sql = "INSERT INTO readings (installation_id, device_id, meter_id, boot, seq, timestamp_ms, reading_time, "
                + "power_mw, energy_mwh, power_w, total_wh, flags, message, signature, status, is_verified, received_at, "
                + "verified_at, batch_id, is_on_chain) "
                + "SELECT ?, ?, ?, 1, n, ? + n * 10000, to_timestamp((? + n * 10000) / 1000.0), p, e, p / 1000.0, "
                + "e / 1000.0, 1, decode(repeat('ab', 52), 'hex'), decode(repeat('cd', 64), 'hex'), 'verified', TRUE, "
                + "now(), now(), 0, TRUE FROM (SELECT n, p, sum(p * 10 / 3600) OVER (ORDER BY n) AS e FROM "
                + "(SELECT n, greatest(0, round(4000000 * sin(pi() * ((n % 8640) - 2160) / 4320.0)))::bigint AS p "
                + "FROM generate_series(0, ?) n) g) s";
        try (Connection connection = QueryDatabaseTestResource.connect();
                PreparedStatement insert = connection.prepareStatement(sql)) {
            insert.setLong(1, device.id());
            insert.setString(2, device.deviceId());
            insert.setString(3, device.mac());
            insert.setLong(4, START.toEpochMilli());
            insert.setLong(5, START.toEpochMilli());
            insert.setLong(6, READINGS - 1);
            insert.executeUpdate();
            try (Statement analyze = connection.createStatement()) {
                analyze.execute("ANALYZE readings");
                analyze.execute("ANALYZE energy_slots");
                analyze.execute("ANALYZE energy_hours");
            }
        }
    }

    private static String storage(long installationId) throws SQLException {
        try (Connection connection = QueryDatabaseTestResource.connect();
                PreparedStatement rows = connection.prepareStatement("SELECT (SELECT count(*) FROM readings WHERE "
                        + "installation_id = ?), (SELECT sum(pg_column_size(r.*)) FROM readings r WHERE installation_id = ?), "
                        + "(SELECT count(*) FROM readings), pg_total_relation_size('readings'), pg_relation_size('readings'), "
                        + "(SELECT count(*) FROM energy_slots WHERE installation_id = ?), (SELECT sum(pg_column_size(s.*)) "
                        + "FROM energy_slots s WHERE installation_id = ?), (SELECT count(*) FROM energy_slots), "
                        + "pg_total_relation_size('energy_slots')")) {
            for (int i = 1; i <= 4; i++) {
                rows.setLong(i, installationId);
            }
            try (ResultSet found = rows.executeQuery()) {
                found.next();
                double share = found.getDouble(1) / found.getDouble(3);
                double slotShare = found.getDouble(6) / found.getDouble(8);
                return String.format("Storage per installation-year:%n%n"
                        + "- readings: %d rows, %.0f MB of tuples, about %.0f MB on disk with indexes "
                        + "(table+indexes %.0f MB for %d rows in the database)%n"
                        + "- energy_slots (rollups): %d rows, %.2f MB of tuples, about %.2f MB on disk with the primary key%n",
                        found.getLong(1), found.getLong(2) / 1e6, found.getLong(4) * share / 1e6, found.getLong(4) / 1e6,
                        found.getLong(3), found.getLong(6), found.getLong(7) / 1e6, found.getLong(9) * slotShare / 1e6);
            }
        }
    }

    private static double percentile(List<Double> values, int percentile) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }

    private static String seconds(long startNanos) {
        return String.format("%.1f", (System.nanoTime() - startNanos) / 1e9);
    }
}
