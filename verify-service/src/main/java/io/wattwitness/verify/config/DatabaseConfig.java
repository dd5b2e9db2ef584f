package io.wattwitness.verify.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** PostgreSQL connection settings ({@code wattwitness.db.*}; env DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD). */
@ConfigMapping(prefix = "wattwitness.db")
public interface DatabaseConfig {

    /** @return host name or address */
    @WithDefault("127.0.0.1")
    String host();

    /** @return TCP port */
    @WithDefault("5432")
    int port();

    /** @return database name; created at start-up when missing */
    @WithDefault("wattwitness")
    String name();

    /** @return user name */
    @WithDefault("postgres")
    String user();

    /** @return password; absent for trust authentication */
    Optional<String> password();

    /** @return the database to connect to for {@code CREATE DATABASE} */
    @WithDefault("postgres")
    String maintenanceDb();

    /** @return how long start-up waits for PostgreSQL to accept connections */
    @WithDefault("PT60S")
    Duration startupWait();
}
