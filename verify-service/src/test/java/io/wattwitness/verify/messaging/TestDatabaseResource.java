package io.wattwitness.verify.messaging;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.wattwitness.verify.config.DatabaseBootstrap;
import io.wattwitness.verify.config.DatabaseConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.jboss.logging.Logger;

/**
 * Creates the test database (default {@code wattwitness_verify_test}, env DB_NAME_TEST) before Quarkus starts,
 * through the same code the service runs at start-up. Env DB_HOST, DB_PORT, DB_USER, DB_PASSWORD apply.
 */
public class TestDatabaseResource implements QuarkusTestResourceLifecycleManager {

    private static final Logger LOG = Logger.getLogger(TestDatabaseResource.class);

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    @Override
    public Map<String, String> start() {
        DatabaseConfig config = new DatabaseConfig() {
            @Override
            public String host() {
                return env("DB_HOST", "127.0.0.1");
            }

            @Override
            public int port() {
                return Integer.parseInt(env("DB_PORT", "5432"));
            }

            @Override
            public String name() {
                return env("DB_NAME_TEST", "wattwitness_verify_test");
            }

            @Override
            public String user() {
                return env("DB_USER", "postgres");
            }

            @Override
            public Optional<String> password() {
                return Optional.ofNullable(System.getenv("DB_PASSWORD")).filter(p -> !p.isBlank());
            }

            @Override
            public String maintenanceDb() {
                return env("DB_MAINTENANCE_NAME", "postgres");
            }

            @Override
            public Duration startupWait() {
                return Duration.ofSeconds(30);
            }
        };
        try {
            reopen(config);
            DatabaseBootstrap.ensureDatabase(config);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the test database " + config.name(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return Map.of();
    }

    /**
     * {@code DatabaseOutageTest} closes the database to connections for a while; a run killed inside that window
     * would leave it closed for every later run: open it again (nothing happens when it does not exist yet).
     */
    private static void reopen(DatabaseConfig config) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", config.user());
        config.password().ifPresent(password -> properties.setProperty("password", password));
        String url = "jdbc:postgresql://" + config.host() + ":" + config.port() + "/" + config.maintenanceDb();
        try (Connection connection = DriverManager.getConnection(url, properties);
                PreparedStatement exists = connection.prepareStatement(
                        "SELECT NOT datallowconn FROM pg_database WHERE datname = ?")) {
            exists.setString(1, config.name());
            try (ResultSet closed = exists.executeQuery()) {
                if (closed.next() && closed.getBoolean(1)) {
                    try (Statement reopen = connection.createStatement()) {
                        reopen.execute("ALTER DATABASE \"" + config.name() + "\" ALLOW_CONNECTIONS true");
                    }
                    LOG.warnf("test database %s was closed to connections (an interrupted outage test): reopened",
                            config.name());
                }
            }
        }
    }

    @Override
    public void stop() {
        // the database is kept: tests tolerate leftovers, nothing is ever deleted
    }
}
