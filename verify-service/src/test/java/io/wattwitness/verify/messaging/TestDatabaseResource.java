package io.wattwitness.verify.messaging;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.wattwitness.verify.config.DatabaseBootstrap;
import io.wattwitness.verify.config.DatabaseConfig;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Creates the test database (default {@code wattwitness_verify_test}, env DB_NAME_TEST) before Quarkus starts,
 * through the same code the service runs at start-up. Env DB_HOST, DB_PORT, DB_USER, DB_PASSWORD apply.
 */
public class TestDatabaseResource implements QuarkusTestResourceLifecycleManager {

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
            DatabaseBootstrap.ensureDatabase(config);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the test database " + config.name(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return Map.of();
    }

    @Override
    public void stop() {
        // the database is kept: tests tolerate leftovers, nothing is ever deleted
    }
}
