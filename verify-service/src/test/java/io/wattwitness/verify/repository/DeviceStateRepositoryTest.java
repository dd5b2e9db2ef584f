package io.wattwitness.verify.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.wattwitness.kafka.KafkaBrokerTestResource;
import io.wattwitness.verify.messaging.TestDatabaseResource;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * {@link DeviceStateRepository#lock} against a concurrent creator of the same device row: transaction A creates the
 * row of a new device (uncommitted), transaction B asks for the lock of that device and waits for A; once A commits,
 * B must come back holding the row lock (a third session's {@code FOR UPDATE NOWAIT} is refused with SQLState 55P03,
 * lock_not_available) and report the device as locked.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerTestResource.class)
@WithTestResource(TestDatabaseResource.class)
class DeviceStateRepositoryTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    DeviceStateRepository devices;

    @Inject
    Pool pool;

    private static Connection db() throws SQLException {
        var config = ConfigProvider.getConfig();
        Properties properties = new Properties();
        properties.setProperty("user", config.getValue("quarkus.datasource.username", String.class));
        config.getOptionalValue("quarkus.datasource.password", String.class)
                .ifPresent(password -> properties.setProperty("password", password));
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class), properties);
    }

    private static String hex(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return HexFormat.of().formatHex(value);
    }

    /** Registers an installation whose current key has the given device id; returns its id. */
    private static long registerInstallation(String deviceId) throws SQLException {
        try (Connection connection = db(); PreparedStatement insert = connection.prepareStatement("INSERT INTO"
                + " installations (name, shelly_mac, public_key, device_id) VALUES (?, ?, ?, ?) RETURNING id")) {
            insert.setString(1, "lock-test " + UUID.randomUUID());
            insert.setString(2, hex(6));
            insert.setString(3, hex(64));
            insert.setString(4, deviceId);
            try (ResultSet rows = insert.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** Whether some session is waiting for a lock held by the session {@code pid}. */
    private static boolean blockedBy(int pid) {
        try (Connection connection = db(); PreparedStatement waiting = connection.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))")) {
            waiting.setInt(1, pid);
            try (ResultSet rows = waiting.executeQuery()) {
                rows.next();
                return rows.getLong(1) > 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aRowCreatedByAConcurrentTransactionIsLockedOnceThatTransactionCommits() throws Exception {
        String deviceId = hex(8);
        long installationId = registerInstallation(deviceId);
        Map<String, Long> installations = Map.of(deviceId, installationId);

        // A: creates the device row through the repository, transaction left open
        SqlConnection a = pool.getConnection().await().atMost(WAIT);
        CompletableFuture<List<String>> lockedByB = new CompletableFuture<>();
        CompletableFuture<Void> releaseB = new CompletableFuture<>();
        CompletableFuture<Void> bDone = null;
        Transaction aTransaction = null;
        boolean aCommitted = false;
        try {
            aTransaction = a.begin().await().atMost(WAIT);
            devices.lock(a, installations).await().atMost(WAIT);
            int aPid = a.query("SELECT pg_backend_pid()").execute().await().atMost(WAIT).iterator().next()
                    .getInteger(0);

            // B: asks for the same device in its own transaction and holds it until released
            bDone = pool.withTransaction(b -> devices.lock(b, installations)
                    .invoke(lockedByB::complete)
                    .chain(() -> Uni.createFrom().completionStage(releaseB)))
                    .subscribeAsCompletionStage();
            await("B waiting for A's uncommitted device row", () -> blockedBy(aPid));
            assertFalse(lockedByB.isDone(), "B returned while A's insert was uncommitted");

            aTransaction.commit().await().atMost(WAIT);
            aCommitted = true;
        } finally {
            if (aTransaction != null && !aCommitted) {
                aTransaction.rollback().await().atMost(WAIT);
            }
            a.close().await().atMost(WAIT);
        }

        try {
            List<String> locked = lockedByB.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            // C: B's transaction is still open, so the row must be held by it
            SQLException refused;
            try (Connection c = db()) {
                c.setAutoCommit(false);
                try (PreparedStatement select = c.prepareStatement(
                        "SELECT device_id FROM devices WHERE device_id = ? FOR UPDATE NOWAIT")) {
                    select.setString(1, deviceId);
                    refused = assertThrows(SQLException.class, select::executeQuery,
                            "a third session locked the device row while B's transaction held it");
                } finally {
                    c.rollback();
                }
            }
            assertEquals("55P03", refused.getSQLState(), refused.getMessage());
            assertEquals(List.of(deviceId), locked);
        } finally {
            releaseB.complete(null);
            if (bDone != null) {
                bDone.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        }
    }
}
