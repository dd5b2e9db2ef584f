package io.wattwitness.query;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * Creates the test database ({@code wattwitness_query_test} on 127.0.0.1:5432, user postgres, trust auth) if it is
 * absent, before Quarkus starts and Flyway migrates it. Leftovers of earlier runs stay: tests use fresh keys.
 */
public class QueryDatabaseTestResource implements QuarkusTestResourceLifecycleManager {

    /** Test database name. */
    public static final String DATABASE = System.getenv().getOrDefault("DB_NAME", "wattwitness_query_test");
    /** JDBC URL of the test database. */
    public static final String URL = "jdbc:postgresql://" + System.getenv().getOrDefault("DB_HOST", "127.0.0.1") + ":"
            + System.getenv().getOrDefault("DB_PORT", "5432") + "/" + DATABASE;

    @Override
    public Map<String, String> start() {
        String admin = URL.substring(0, URL.lastIndexOf('/')) + "/postgres";
        try (Connection connection = DriverManager.getConnection(admin, "postgres", "");
                Statement statement = connection.createStatement()) {
            try (ResultSet found = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                if (!found.next()) {
                    statement.execute("CREATE DATABASE " + DATABASE);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the test database " + DATABASE, e);
        }
        return Map.of();
    }

    @Override
    public void stop() {
        // the database is kept: tests tolerate leftovers
    }

    /**
     * @return a new connection to the test database
     * @throws SQLException when PostgreSQL is unreachable
     */
    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(URL, "postgres", "");
    }
}
