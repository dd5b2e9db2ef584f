package io.wattwitness.verify.repository;

/**
 * A stored reading with the columns {@code readings.verified} carries, as returned by an update.
 *
 * @param id row id
 * @param installationId owning installation
 * @param deviceId device id, 16 lowercase hex
 * @param boot boot counter
 * @param seq sequence number
 * @param timestampMs reading time, Unix ms UTC
 * @param powerMw active power, mW
 * @param energyMwh energy register, mWh
 * @param flags message flags
 * @param status verified, anomaly or disputed
 * @param verificationError null when verified, else the anomaly or dispute code
 * @param message the 52 signed bytes
 * @param signature the 64-byte low-S signature
 * @param receivedAtMs receive time, Unix ms
 * @param verifiedAtMs verification time, Unix ms
 */
public record ReadingRow(long id, long installationId, String deviceId, long boot, long seq, long timestampMs,
        long powerMw, long energyMwh, int flags, String status, String verificationError, byte[] message,
        byte[] signature, long receivedAtMs, long verifiedAtMs) {
}
