package io.wattwitness.verify.config;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;

/**
 * Prepares PostgreSQL at start-up, before the Kafka channels start (messaging starts at priority 1000): waits
 * for the server, creates the database when missing ({@code CREATE DATABASE} through the maintenance database),
 * then applies the Flyway migrations of the {@code schema} module.
 */
@ApplicationScoped
public class DatabaseBootstrap {

    /** Runs before SmallRye Reactive Messaging's start-up observer (priority 1000). */
    static final int PRIORITY = 100;
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    /** duplicate_database, unique_violation: another process created it at the same time. */
    private static final String DUPLICATE_DATABASE = "42P04";
    private static final String UNIQUE_VIOLATION = "23505";

    private final DatabaseConfig config;
    private final Flyway flyway;

    /**
     * @param config connection settings
     * @param flyway the Flyway instance of the default datasource
     */
    public DatabaseBootstrap(DatabaseConfig config, Flyway flyway) {
        this.config = config;
        this.flyway = flyway;
    }

    void onStart(@Observes @Priority(PRIORITY) StartupEvent event) throws SQLException, InterruptedException {
        ensureDatabase(config);
        var result = flyway.migrate();
        Log.infof("database %s at %s:%d migrated: %d migration(s) applied, schema version %s", config.name(),
                config.host(), config.port(), result.migrationsExecuted, flyway.info().current() == null
                        ? "none" : flyway.info().current().getVersion());
    }

    /**
     * Creates the configured database unless it exists, waiting up to {@code startup-wait} for the server.
     *
     * @param config connection settings
     * @return true if the database was created now
     * @throws SQLException if the server stays unreachable or refuses
     * @throws InterruptedException if interrupted while waiting
     */
    public static boolean ensureDatabase(DatabaseConfig config) throws SQLException, InterruptedException {
        if (!SAFE_NAME.matcher(config.name()).matches()) {
            throw new IllegalArgumentException("database name must match " + SAFE_NAME + ": " + config.name());
        }
        String url = "jdbc:postgresql://" + config.host() + ":" + config.port() + "/" + config.maintenanceDb();
        Properties properties = new Properties();
        properties.setProperty("user", config.user());
        config.password().ifPresent(password -> properties.setProperty("password", password));
        Instant deadline = Instant.now().plus(config.startupWait());
        while (true) {
            try (Connection connection = DriverManager.getConnection(url, properties)) {
                return createIfMissing(connection, config.name());
            } catch (SQLException e) {
                boolean unreachable = e.getSQLState() != null && (e.getSQLState().startsWith("08")
                        || e.getSQLState().startsWith("57P"));
                if (!unreachable || Instant.now().isAfter(deadline)) {
                    throw e;
                }
                Log.warnf("PostgreSQL at %s:%d not reachable yet (%s), retrying", config.host(), config.port(),
                        e.getMessage());
                Thread.sleep(Duration.ofSeconds(1).toMillis());
            }
        }
    }

    private static boolean createIfMissing(Connection connection, String name) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, name);
            try (ResultSet rows = exists.executeQuery()) {
                if (rows.next()) {
                    return false;
                }
            }
        }
        try (Statement create = connection.createStatement()) {
            create.execute("CREATE DATABASE \"" + name + "\"");
            Log.infof("created database %s", name);
            return true;
        } catch (SQLException e) {
            if (DUPLICATE_DATABASE.equals(e.getSQLState()) || UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }
}
