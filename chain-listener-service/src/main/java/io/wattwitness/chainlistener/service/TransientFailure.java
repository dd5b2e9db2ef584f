package io.wattwitness.chainlistener.service;

/**
 * Something the listener needs is unavailable for now (RPC node, query-service, database): the poll stops, the cursor
 * stays before the unhandled event, and the poll is retried after a back-off.
 */
public class TransientFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TransientFailure(String message, Throwable cause) {
        super(message, cause);
    }

    public TransientFailure(String message) {
        super(message);
    }
}
