package io.wattwitness.verify.repository;

/**
 * A row to insert into {@code readings} (columns of schema {@code V1__core.sql} and {@code V22__late_readings.sql}).
 *
 * @param installationId owning installation
 * @param deviceId device id, 16 lowercase hex
 * @param meterId meter MAC, 12 lowercase hex
 * @param boot boot counter
 * @param seq sequence number
 * @param timestampMs reading time, Unix ms UTC
 * @param powerMw active power, mW
 * @param energyMwh energy register, mWh
 * @param powerW active power, W
 * @param totalWh energy register, Wh
 * @param flags message flags
 * @param message the 52 signed bytes
 * @param signature the 64-byte low-S signature r||s
 * @param status verified, anomaly or disputed
 * @param verificationError null when verified, else the anomaly or dispute code
 * @param late stored as a late reading (reading-format SPEC.md §8)
 * @param receivedAtMs ingest's receive time, Unix ms
 */
public record NewReading(long installationId, String deviceId, String meterId, long boot, long seq, long timestampMs,
        long powerMw, long energyMwh, double powerW, double totalWh, int flags, byte[] message, byte[] signature,
        String status, String verificationError, boolean late, long receivedAtMs) {
}
