package io.wattwitness.systemtests.support;

import io.wattwitness.reading.Hex;
import io.wattwitness.reading.ReadingStatus;
import io.wattwitness.simulator.service.Installation;
import io.wattwitness.simulator.service.SimulatedDevice;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * JDBC access to the end-to-end database (schema of the {@code schema} module, created and migrated by
 * verify-service): registers installations the way query-service does (a row in {@code installations} and one in
 * {@code installation_keys}) and reads what the pipeline stored, always restricted to given device ids so that
 * rows of earlier runs never count.
 */
public final class Database {

    /**
     * A row of {@code readings}.
     *
     * @param deviceId 16 hex
     * @param boot boot counter
     * @param seq sequence number
     * @param status verified | disputed | anomaly
     * @param verificationError null when verified, else the reason (e.g. equivocation)
     * @param messageHex the stored 52-byte message, hex
     * @param installationId owning installation
     * @param receivedAtMs ingest receive time, Unix ms
     * @param verifiedAtMs verification time, Unix ms
     */
    public record ReadingRow(String deviceId, long boot, long seq, ReadingStatus status, String verificationError,
            String messageHex, long installationId, long receivedAtMs, long verifiedAtMs) {
    }

    /**
     * A row of {@code reading_conflicts} with the identity of the reading it disputes.
     *
     * @param deviceId 16 hex
     * @param boot boot counter
     * @param seq sequence number
     * @param messageHex the conflicting message, hex
     */
    public record ConflictRow(String deviceId, long boot, long seq, String messageHex) {
    }

    /**
     * A row of {@code quarantine}.
     *
     * @param stage ingest | verify
     * @param reason machine-readable reason
     * @param deviceId claimed device id (topic or message), or null
     * @param boot boot from the message, or null
     * @param seq seq from the message, or null
     * @param rawSha256 SHA-256 of the raw envelope, lowercase hex
     */
    public record QuarantineRow(String stage, String reason, String deviceId, Long boot, Long seq, String rawSha256) {
    }

    private final String url;
    private final Properties properties = new Properties();

    /** @param settings where PostgreSQL is and which database to use */
    public Database(Settings settings) {
        this.url = settings.jdbcUrl();
        properties.setProperty("user", settings.pgUser());
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, properties);
    }

    /**
     * Registers a device's installation and key.
     *
     * @param device a simulated device (fresh key)
     * @return the installation id
     * @throws SQLException when the insert fails (e.g. the schema is not migrated yet)
     */
    public long register(SimulatedDevice device) throws SQLException {
        Installation installation = device.installation();
        return insert(installation.name(), installation.meterMacHex(), device.key().hex(), device.deviceIdHex(),
                installation.timezone().getId(), installation.latitudeDeg(), installation.longitudeDeg(),
                installation.capacityW());
    }

    /**
     * Registers an installation and its key from a registration body (what {@code POST /api/v1/installations/}
     * takes), e.g. the one the firmware prints; zone UTC, no location or capacity.
     *
     * @param name installation name
     * @param shellyMacHex meter MAC, 12 lowercase hex (unique among installations)
     * @param publicKeyHex device key X‖Y, 128 lowercase hex
     * @param deviceIdHex its device id, 16 lowercase hex (first 8 bytes of SHA-256 of the key, SPEC.md §2)
     * @return the installation id
     * @throws SQLException when the insert fails (e.g. the MAC or device id is registered already)
     */
    public long register(String name, String shellyMacHex, String publicKeyHex, String deviceIdHex)
            throws SQLException {
        return insert(name, shellyMacHex, publicKeyHex, deviceIdHex, "UTC", null, null, null);
    }

    private long insert(String name, String shellyMacHex, String publicKeyHex, String deviceIdHex, String timezone,
            Double latitude, Double longitude, Double capacityW) throws SQLException {
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            long id;
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO installations (name, shelly_mac,"
                    + " public_key, device_id, timezone, latitude, longitude, capacity_w)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
                insert.setString(1, name);
                insert.setString(2, shellyMacHex);
                insert.setString(3, publicKeyHex);
                insert.setString(4, deviceIdHex);
                insert.setString(5, timezone);
                insert.setObject(6, latitude, Types.DOUBLE);
                insert.setObject(7, longitude, Types.DOUBLE);
                insert.setObject(8, capacityW, Types.DOUBLE);
                try (ResultSet rows = insert.executeQuery()) {
                    rows.next();
                    id = rows.getLong(1);
                }
            }
            try (PreparedStatement key = connection.prepareStatement(
                    "INSERT INTO installation_keys (installation_id, public_key, device_id) VALUES (?, ?, ?)")) {
                key.setLong(1, id);
                key.setString(2, publicKeyHex);
                key.setString(3, deviceIdHex);
                key.executeUpdate();
            }
            connection.commit();
            return id;
        }
    }

    /**
     * @param deviceIds device ids (16 hex)
     * @return their readings
     * @throws SQLException on a database error
     */
    public List<ReadingRow> readings(Collection<String> deviceIds) throws SQLException {
        List<ReadingRow> out = new ArrayList<>();
        try (Connection connection = connect();
                PreparedStatement query = connection.prepareStatement("SELECT device_id, boot, seq, status,"
                        + " verification_error, message, installation_id,"
                        + " CAST(EXTRACT(EPOCH FROM received_at) * 1000 AS bigint),"
                        + " CAST(EXTRACT(EPOCH FROM verified_at) * 1000 AS bigint)"
                        + " FROM readings WHERE device_id = ANY (?)")) {
            query.setArray(1, textArray(connection, deviceIds));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    out.add(new ReadingRow(rows.getString(1), rows.getLong(2), rows.getLong(3),
                            ReadingStatus.fromWord(rows.getString(4)),
                            rows.getString(5), Hex.encode(rows.getBytes(6)), rows.getLong(7), rows.getLong(8),
                            rows.getLong(9)));
                }
            }
        }
        return out;
    }

    /**
     * @param deviceIds device ids (16 hex)
     * @return the conflicting messages recorded against their readings
     * @throws SQLException on a database error
     */
    public List<ConflictRow> conflicts(Collection<String> deviceIds) throws SQLException {
        List<ConflictRow> out = new ArrayList<>();
        try (Connection connection = connect();
                PreparedStatement query = connection.prepareStatement("SELECT r.device_id, r.boot, r.seq, c.message"
                        + " FROM reading_conflicts c JOIN readings r ON r.id = c.reading_id"
                        + " WHERE r.device_id = ANY (?)")) {
            query.setArray(1, textArray(connection, deviceIds));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    out.add(new ConflictRow(rows.getString(1), rows.getLong(2), rows.getLong(3),
                            Hex.encode(rows.getBytes(4))));
                }
            }
        }
        return out;
    }

    /**
     * @param deviceIds device ids (16 hex)
     * @return the sequence numbers of their readings stored as late (SPEC.md §8), ascending
     * @throws SQLException on a database error
     */
    public List<Long> lateSeqs(Collection<String> deviceIds) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Connection connection = connect();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT seq FROM readings WHERE device_id = ANY (?) AND late ORDER BY seq")) {
            query.setArray(1, textArray(connection, deviceIds));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    out.add(rows.getLong(1));
                }
            }
        }
        return out;
    }

    /**
     * @param deviceIds device ids (16 hex)
     * @return how many of their readings carry each register state (glitch, held, excess) query-service wrote
     * @throws SQLException on a database error
     */
    public Map<String, Long> registerStates(Collection<String> deviceIds) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (Connection connection = connect();
                PreparedStatement query = connection.prepareStatement("SELECT register_state, count(*) FROM readings"
                        + " WHERE device_id = ANY (?) AND register_state IS NOT NULL GROUP BY register_state")) {
            query.setArray(1, textArray(connection, deviceIds));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    out.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        return out;
    }

    /**
     * @param deviceIds claimed device ids (16 hex)
     * @return their quarantine rows
     * @throws SQLException on a database error
     */
    public List<QuarantineRow> quarantine(Collection<String> deviceIds) throws SQLException {
        List<QuarantineRow> out = new ArrayList<>();
        try (Connection connection = connect();
                PreparedStatement query = connection.prepareStatement("SELECT stage, reason, device_id, boot, seq,"
                        + " raw_sha256 FROM quarantine WHERE device_id = ANY (?)")) {
            query.setArray(1, textArray(connection, deviceIds));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    long boot = rows.getLong(4);
                    Long bootOrNull = rows.wasNull() ? null : boot;
                    long seq = rows.getLong(5);
                    Long seqOrNull = rows.wasNull() ? null : seq;
                    out.add(new QuarantineRow(rows.getString(1), rows.getString(2), rows.getString(3), bootOrNull,
                            seqOrNull, rows.getString(6)));
                }
            }
        }
        return out;
    }

    /**
     * Row counts of one run, for polling.
     *
     * @param readings rows in {@code readings}
     * @param conflicts rows in {@code reading_conflicts}
     * @param quarantined rows in {@code quarantine}
     */
    public record Counts(long readings, long conflicts, long quarantined) {
    }

    /**
     * @param deviceIds device ids (16 hex)
     * @return how many rows the pipeline stored for them so far
     * @throws SQLException on a database error
     */
    public Counts counts(Collection<String> deviceIds) throws SQLException {
        try (Connection connection = connect();
                PreparedStatement query = connection.prepareStatement("SELECT"
                        + " (SELECT count(*) FROM readings WHERE device_id = ANY (?)),"
                        + " (SELECT count(*) FROM reading_conflicts c JOIN readings r ON r.id = c.reading_id"
                        + " WHERE r.device_id = ANY (?)),"
                        + " (SELECT count(*) FROM quarantine WHERE device_id = ANY (?))")) {
            Array ids = textArray(connection, deviceIds);
            query.setArray(1, ids);
            query.setArray(2, ids);
            query.setArray(3, ids);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return new Counts(rows.getLong(1), rows.getLong(2), rows.getLong(3));
            }
        }
    }

    private static Array textArray(Connection connection, Collection<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray(new String[0]));
    }
}
