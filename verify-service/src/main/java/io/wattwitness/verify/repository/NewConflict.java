package io.wattwitness.verify.repository;

/**
 * A row to insert into {@code reading_conflicts}: a second, validly signed message for a stored identity.
 *
 * @param readingId the stored reading's row id
 * @param message the conflicting 52 bytes
 * @param signature its 64-byte low-S signature
 * @param receivedAtMs its receive time, Unix ms
 */
public record NewConflict(long readingId, byte[] message, byte[] signature, long receivedAtMs) {
}
