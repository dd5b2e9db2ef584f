package io.wattwitness.verify.service;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.util.concurrent.CompletionException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class TransientErrorsTest {

    private static PgException pg(String state, String message) {
        return new PgException(message, "FATAL", state, null);
    }

    @Test
    void outagesAndConflictsAreTransientEvenWhenWrapped() {
        assertTrue(TransientErrors.isTransient(new ConnectException("Connection refused")));
        assertTrue(TransientErrors.isTransient(new CompletionException("wrapped", new ConnectException("refused"))));
        assertTrue(TransientErrors.isTransient(ClosedConnectionException.INSTANCE));
        assertTrue(TransientErrors.isTransient(pg("57P01", "terminating connection due to administrator command")));
        assertTrue(TransientErrors.isTransient(pg("08006", "connection failure")));
        assertTrue(TransientErrors.isTransient(pg("40001", "could not serialize access")));
        assertTrue(TransientErrors.isTransient(pg("55000",
                "database \"x\" is not currently accepting connections")));
        assertTrue(TransientErrors.isTransient(new TransientErrors.ConcurrentWriteException("raced")));
    }

    @Test
    void programmingAndDataErrorsAreNotTransient() {
        assertFalse(TransientErrors.isTransient(pg("23505", "duplicate key value violates unique constraint")));
        assertFalse(TransientErrors.isTransient(pg("42601", "syntax error")));
        assertFalse(TransientErrors.isTransient(pg("55000", "cannot change sequence")));
        assertFalse(TransientErrors.isTransient(new IllegalStateException("bug")));
        assertFalse(TransientErrors.isTransient(new NullPointerException()));
    }
}
