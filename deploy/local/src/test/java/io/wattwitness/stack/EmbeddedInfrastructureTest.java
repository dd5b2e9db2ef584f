package io.wattwitness.stack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattwitness.kafka.LocalKafkaBroker;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local stack's fallback on a machine without PostgreSQL or an MQTT broker: embedded ones are started from
 * Maven artifacts (on spare ports here, since this machine runs the real ones on the standard ports).
 */
class EmbeddedInfrastructureTest {

    @Test
    void startsEmbeddedPostgresAndMqttWhenNothingListens(@TempDir Path state) throws Exception {
        int pgPort = LocalKafkaBroker.freePort();
        int mqttPort = LocalKafkaBroker.freePort();
        try (EmbeddedInfrastructure infrastructure = new EmbeddedInfrastructure(pgPort, mqttPort)) {
            String postgres = infrastructure.ensurePostgres(state, "ww_embedded", false);
            assertTrue(postgres.startsWith("embedded PostgreSQL on 127.0.0.1:" + pgPort), postgres);
            String url = "jdbc:postgresql://127.0.0.1:" + pgPort + "/ww_embedded";
            try (Connection connection = DriverManager.getConnection(url, "postgres", "");
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE marker (id INT)");
                statement.execute("INSERT INTO marker VALUES (42)");
            }
            // --fresh drops and recreates the database: the marker table is gone.
            assertTrue(infrastructure.ensurePostgres(state, "ww_embedded", true).contains("already running"));
            try (Connection connection = DriverManager.getConnection(url, "postgres", "");
                    Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = 'marker'")) {
                rows.next();
                assertEquals(0, rows.getInt(1));
            }

            String mqtt = infrastructure.ensureMqtt(state);
            assertTrue(mqtt.startsWith("embedded HiveMQ CE on 127.0.0.1:" + mqttPort), mqtt);
            assertArrayEquals(new byte[] {0x20, 0x02, 0x00, 0x00}, mqttConnect(mqttPort), "CONNACK, accepted");
        }
        assertFalse(Probes.tcpOpen("127.0.0.1", pgPort), "embedded PostgreSQL stopped");
        assertFalse(Probes.tcpOpen("127.0.0.1", mqttPort), "embedded HiveMQ stopped");
    }

    /** Sends an MQTT 3.1.1 CONNECT (client id "t", clean session) and returns the 4-byte answer. */
    private static byte[] mqttConnect(int port) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(new byte[] {0x10, 13, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3c, 0x00, 0x01, 't'});
            out.flush();
            byte[] answer = new byte[4];
            new DataInputStream(socket.getInputStream()).readFully(answer);
            return answer;
        }
    }
}
