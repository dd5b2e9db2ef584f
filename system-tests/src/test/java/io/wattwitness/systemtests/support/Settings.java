package io.wattwitness.systemtests.support;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the system tests find the machine's services and the packaged applications. Every value has an
 * environment override (same names as the services use) and a default for this machine.
 *
 * @param pgHost PostgreSQL host ({@code DB_HOST}, default 127.0.0.1)
 * @param pgPort PostgreSQL port ({@code DB_PORT}, default 5432)
 * @param pgUser PostgreSQL user, trust authentication ({@code DB_USER}, default postgres)
 * @param database database of the end-to-end runs ({@code E2E_DB_NAME}, default wattwitness_e2e; created by
 *        verify-service when absent)
 * @param mqttHost Mosquitto host ({@code MQTT_HOST}, default 127.0.0.1)
 * @param mqttPort Mosquitto port ({@code MQTT_PORT}, default 1883)
 * @param ingestJar packaged ingest-service ({@code quarkus-run.jar}), system property {@code wattwitness.ingest.jar}
 * @param verifyJar packaged verify-service, system property {@code wattwitness.verify.jar}
 * @param logDir folder of the services' logs, system property {@code wattwitness.e2e.logs}
 */
public record Settings(String pgHost, int pgPort, String pgUser, String database, String mqttHost, int mqttPort,
        Path ingestJar, Path verifyJar, Path logDir) {

    /** @return the settings from the environment and system properties, with the machine's defaults */
    public static Settings fromEnvironment() {
        Map<String, String> env = System.getenv();
        return new Settings(
                env.getOrDefault("DB_HOST", "127.0.0.1"),
                Integer.parseInt(env.getOrDefault("DB_PORT", "5432")),
                env.getOrDefault("DB_USER", "postgres"),
                env.getOrDefault("E2E_DB_NAME", "wattwitness_e2e"),
                env.getOrDefault("MQTT_HOST", "127.0.0.1"),
                Integer.parseInt(env.getOrDefault("MQTT_PORT", "1883")),
                Path.of(System.getProperty("wattwitness.ingest.jar",
                        "../ingest-service/target/quarkus-app/quarkus-run.jar")).toAbsolutePath().normalize(),
                Path.of(System.getProperty("wattwitness.verify.jar",
                        "../verify-service/target/quarkus-app/quarkus-run.jar")).toAbsolutePath().normalize(),
                Path.of(System.getProperty("wattwitness.e2e.logs", "target/e2e-logs")).toAbsolutePath().normalize());
    }

    /** @return the MQTT server URI for Paho, {@code tcp://host:port} */
    public String mqttUri() {
        return "tcp://" + mqttHost + ":" + mqttPort;
    }

    /** @return the JDBC URL of the end-to-end database */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + pgHost + ":" + pgPort + "/" + database;
    }
}
