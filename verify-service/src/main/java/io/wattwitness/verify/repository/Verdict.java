package io.wattwitness.verify.repository;

/**
 * A new register verdict for a stored reading.
 *
 * @param readingId the reading's row id
 * @param status verified or anomaly
 * @param verificationError null or the anomaly code
 */
public record Verdict(long readingId, String status, String verificationError) {
}
