package io.wattwitness.verify.messaging;

import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.wattwitness.kafka.KafkaBrokerTestResource;
import io.wattwitness.reading.DeviceSigner;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * A database outage (connections refused and existing ones terminated) is waited out: the poll is retried with
 * back-off, readiness reports it, and the reading is stored once the database is back.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerTestResource.class)
@WithTestResource(TestDatabaseResource.class)
class DatabaseOutageTest {

    private static Connection maintenance() throws SQLException {
        var config = ConfigProvider.getConfig();
        String url = "jdbc:postgresql://" + config.getValue("wattwitness.db.host", String.class) + ":"
                + config.getValue("wattwitness.db.port", String.class) + "/"
                + config.getValue("wattwitness.db.maintenance-db", String.class);
        Properties properties = new Properties();
        properties.setProperty("user", config.getValue("wattwitness.db.user", String.class));
        config.getOptionalValue("wattwitness.db.password", String.class)
                .ifPresent(password -> properties.setProperty("password", password));
        return DriverManager.getConnection(url, properties);
    }

    private static void allowConnections(Connection admin, boolean allow) throws SQLException {
        try (Statement statement = admin.createStatement()) {
            statement.execute("ALTER DATABASE \"" + PipelineKit.databaseName() + "\" ALLOW_CONNECTIONS " + allow);
        }
        if (!allow) {
            try (PreparedStatement terminate = admin.prepareStatement("SELECT pg_terminate_backend(pid)"
                    + " FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
                terminate.setString(1, PipelineKit.databaseName());
                terminate.execute();
            }
        }
    }

    @Test
    void aDatabaseOutageIsRetriedUntilTheReadingIsStored() throws Exception {
        DeviceSigner device = DeviceSigner.generate(PipelineKit.RANDOM);
        PipelineKit.registerInstallation(device);
        String id = device.publicKey().deviceIdHex();
        long now = System.currentTimeMillis();
        try (PipelineKit kit = new PipelineKit(); Connection admin = maintenance()) {
            try {
                allowConnections(admin, false);
                kit.send(List.of(PipelineKit.record(PipelineKit.topic("readings-raw"), id, PipelineKit.envelope(device,
                        PipelineKit.message(device, 1, 0, now - 5_000, 1, 1, 0)), now)));
                PipelineKit.await("readiness reporting the retry", Duration.ofSeconds(60), () -> {
                    String body = RestAssured.get("/q/health/ready").then().extract().asString();
                    return body.contains("retrying_since");
                });
                RestAssured.get("/q/health/ready").then().statusCode(503)
                        .body(containsString("\"verify-pipeline\""));
            } finally {
                allowConnections(admin, true);
            }
            PipelineKit.await("reading stored after the outage", Duration.ofSeconds(90), () -> PipelineKit.count(
                    "SELECT count(*) FROM readings WHERE device_id = ?", id) == 1);
        }
        PipelineKit.await("readiness back up", Duration.ofSeconds(30),
                () -> RestAssured.get("/q/health/ready").then().extract().statusCode() == 200);
        assertEquals("verified", PipelineKit.query("SELECT status FROM readings WHERE device_id = ?", id).get(0)
                .get("status"));
    }
}
