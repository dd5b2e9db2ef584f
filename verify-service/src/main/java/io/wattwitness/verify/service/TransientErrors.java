package io.wattwitness.verify.service;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Classifies failures of a poll transaction: transient ones (database unreachable, connection lost, server
 * restarting, serialization conflicts, a concurrent writer) are retried with back-off until the poll commits;
 * anything else fails the Kafka channel. Plain Java.
 */
public final class TransientErrors {

    /** SQLSTATEs worth retrying: connection exceptions (class 08) are matched by prefix. */
    private static final Set<String> RETRY_STATES = Set.of(
            "40001", // serialization_failure
            "40P01", // deadlock_detected
            "53300", // too_many_connections
            "57P01", // admin_shutdown
            "57P02", // crash_shutdown
            "57P03"); // cannot_connect_now

    private TransientErrors() {
    }

    /**
     * Thrown when another writer stored one of the poll's identities between the lookup and the insert
     * (possible only around a consumer-group rebalance); the poll is re-planned.
     */
    public static final class ConcurrentWriteException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        /** @param message what was expected */
        public ConcurrentWriteException(String message) {
            super(message);
        }
    }

    /**
     * @param failure any failure, possibly wrapped (CompletionException, …)
     * @return whether retrying the whole poll later can succeed
     */
    public static boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ConcurrentWriteException
                    || cause instanceof ConnectException
                    || cause instanceof NoRouteToHostException
                    || cause instanceof UnknownHostException
                    || cause instanceof SocketException
                    || cause instanceof TimeoutException
                    || cause instanceof ClosedConnectionException
                    || cause instanceof ConnectTimeoutException) {
                return true;
            }
            if (cause instanceof PgException pg && isTransientState(pg.getSqlState(), pg.getMessage())) {
                return true;
            }
            String name = cause.getClass().getName();
            String message = String.valueOf(cause.getMessage());
            if (name.startsWith("io.vertx") && (message.contains("Connection refused")
                    || message.contains("Connection reset") || message.contains("Pool closed")
                    || message.contains("Connection is not active") || message.contains("closed"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param sqlState the SQLSTATE
     * @param message the server message
     * @return whether the state denotes an outage or a retryable conflict
     */
    static boolean isTransientState(String sqlState, String message) {
        if (sqlState == null) {
            return false;
        }
        if (sqlState.startsWith("08") || RETRY_STATES.contains(sqlState)) {
            return true;
        }
        // 55000 "database ... is not currently accepting connections" (ALLOW_CONNECTIONS false, maintenance)
        return "55000".equals(sqlState) && message != null && message.contains("not currently accepting connections");
    }
}
