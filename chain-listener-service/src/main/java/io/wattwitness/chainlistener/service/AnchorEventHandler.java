package io.wattwitness.chainlistener.service;

/** Acts on one contract event. */
public interface AnchorEventHandler {

    /**
     * Handles one event. Must be idempotent: after a restart or a rewind the same event can come again.
     *
     * @param scope cursor scope the event belongs to
     * @throws TransientFailure when the event could not be handled now; the listener retries it later and does not
     *                          move its cursor past it
     */
    void handle(String scope, AnchorEvent event);
}
