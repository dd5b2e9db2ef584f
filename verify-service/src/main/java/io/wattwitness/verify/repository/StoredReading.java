package io.wattwitness.verify.repository;

/**
 * A reading already in the {@code readings} table, as far as the rules need it.
 *
 * @param id row id
 * @param deviceId device id, 16 lowercase hex
 * @param boot boot counter
 * @param seq sequence number
 * @param timestampMs reading time, Unix ms
 * @param energyMwh energy register, mWh
 * @param flags message flags
 * @param message the 52 signed bytes
 * @param status verified, anomaly or disputed
 * @param verificationError null when verified, else the anomaly or dispute code
 */
public record StoredReading(long id, String deviceId, long boot, long seq, long timestampMs, long energyMwh, int flags,
        byte[] message, String status, String verificationError) {
}
