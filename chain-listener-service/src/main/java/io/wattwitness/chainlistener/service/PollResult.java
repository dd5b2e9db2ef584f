package io.wattwitness.chainlistener.service;

/**
 * What one poll did.
 *
 * @param head          chain head block number
 * @param target        highest block the listener may read
 * @param lastProcessed cursor block number after the poll
 * @param ranges        ranges scanned
 * @param events        events handled
 * @param rewound       whether a reorganisation moved the cursor back
 */
public record PollResult(long head, long target, long lastProcessed, int ranges, int events, boolean rewound) {
}
