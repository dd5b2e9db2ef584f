package io.wattwitness.chainlistener.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * Real parts for the listener's Quarkus tests: the test database (created when absent on 127.0.0.1:5432, user
 * postgres), anvil with WattWitnessAnchor + LocalForwarder deployed, and the query-service stand-in. The chain is read
 * in ranges of 5 blocks so that every scenario spans several ranges.
 */
public class ListenerTestResource implements QuarkusTestResourceLifecycleManager {

    /** Anchoring token the stand-in expects. */
    public static final String TOKEN = "listener-test-anchoring-token";
    public static final int RANGE_SIZE = 5;

    private static Anvil anvil;
    private static AnchorDeployment deployment;
    private static QueryServiceStandIn queryService;

    public static Anvil anvil() {
        return anvil;
    }

    public static AnchorDeployment deployment() {
        return deployment;
    }

    public static QueryServiceStandIn queryService() {
        return queryService;
    }

    @Override
    public Map<String, String> start() {
        String host = System.getenv().getOrDefault("DB_HOST", "127.0.0.1");
        String port = System.getenv().getOrDefault("DB_PORT", "5432");
        String user = System.getenv().getOrDefault("DB_USER", "postgres");
        String database = System.getenv().getOrDefault("DB_NAME_TEST", "wattwitness_listener_test");
        createDatabaseIfAbsent("jdbc:postgresql://" + host + ":" + port + "/postgres", user, database);
        anvil = Anvil.start();
        deployment = AnchorDeployment.deploy(anvil.web3j());
        queryService = QueryServiceStandIn.start(TOKEN);
        return Map.ofEntries(
                Map.entry("wattwitness.listener.rpc-url", anvil.rpcUrl()),
                Map.entry("wattwitness.listener.contract-address", deployment.anchorAddress()),
                Map.entry("wattwitness.listener.start-block", String.valueOf(deployment.deployBlock())),
                Map.entry("wattwitness.listener.range-size", String.valueOf(RANGE_SIZE)),
                Map.entry("wattwitness.listener.finality", "finalized"),
                Map.entry("wattwitness.listener.poll-interval", "PT1S"),
                Map.entry("wattwitness.listener.retry-initial-backoff", "PT0.2S"),
                Map.entry("wattwitness.listener.retry-max-backoff", "PT1S"),
                Map.entry("wattwitness.listener.rpc-timeout", "PT5S"),
                Map.entry("wattwitness.listener.health-failure-threshold", "3"),
                Map.entry("wattwitness.listener.anchoring-token", TOKEN),
                Map.entry("quarkus.rest-client.query-service.url", queryService.url()));
    }

    @Override
    public void stop() {
        if (queryService != null) {
            queryService.close();
        }
        if (anvil != null) {
            anvil.close();
        }
    }

    private static void createDatabaseIfAbsent(String maintenanceUrl, String user, String database) {
        try (Connection connection = DriverManager.getConnection(maintenanceUrl, user, "")) {
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT 1 FROM pg_database WHERE datname = ?")) {
                query.setString(1, database);
                try (ResultSet rows = query.executeQuery()) {
                    if (rows.next()) {
                        return;
                    }
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE \"" + database.replace("\"", "") + "\"");
            } catch (SQLException e) {
                // another test run created it in between
                if (!"42P04".equals(e.getSQLState())) {
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + maintenanceUrl + " is needed for the tests", e);
        }
    }
}
