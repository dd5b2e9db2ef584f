package io.wattwitness.verify.service;

/**
 * A reading already in the {@code readings} table, as far as the rules need it.
 *
 * @param id row id
 * @param deviceId device id, 16 lowercase hex
 * @param boot boot counter
 * @param seq sequence number
 * @param energyMwh energy register, mWh
 * @param flags message flags
 * @param message the 52 signed bytes
 */
public record StoredReading(long id, String deviceId, long boot, long seq, long energyMwh, int flags,
        byte[] message) {
}
