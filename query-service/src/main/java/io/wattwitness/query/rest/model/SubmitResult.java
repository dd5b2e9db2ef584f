package io.wattwitness.query.rest.model;

/**
 * @param deviceId device id from the message
 * @param boot boot from the message
 * @param seq seq from the message
 * @param status "accepted"
 */
public record SubmitResult(String deviceId, long boot, long seq, String status) {
}
