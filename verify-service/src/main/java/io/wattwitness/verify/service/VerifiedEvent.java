package io.wattwitness.verify.service;

import io.wattwitness.reading.Hex;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.verify.repository.ReadingRow;

/**
 * A stored reading as published on {@code readings.verified} (this record is the contract), after the commit:
 * when it is inserted, when its status changes (register verdict, disputed), and again, as stored, whenever a later
 * poll names it (a redelivery or resend: the first publication may have been lost between commit and publish).
 * Consumers must be idempotent per {@code id}.
 *
 * @param id reading row id
 * @param installationId installation id
 * @param deviceId device id, 16 lowercase hex
 * @param boot boot counter
 * @param seq sequence number
 * @param timestampMs reading time, Unix ms
 * @param powerMw active power, mW
 * @param energyMwh energy register, mWh
 * @param flags message flags
 * @param status verified, disputed or anomaly
 * @param verificationError null, or the anomaly / dispute code
 * @param message the 52-byte message, lowercase hex
 * @param signature the low-S signature, lowercase hex
 * @param receivedAt receive time, Unix ms
 * @param verifiedAt verification time, Unix ms
 */
public record VerifiedEvent(long id, long installationId, String deviceId, long boot, long seq, long timestampMs,
        long powerMw, long energyMwh, int flags, String status, String verificationError, String message,
        String signature, long receivedAt, long verifiedAt) {

    /**
     * @param reading an inserted reading (id assigned)
     * @param verifiedAtMs the verification time used for the row
     * @return its event
     */
    public static VerifiedEvent of(PendingReading reading, long verifiedAtMs) {
        Checked.Accepted candidate = reading.candidate();
        ReadingMessage message = candidate.message();
        return new VerifiedEvent(reading.id(), candidate.installationId(), candidate.deviceId(), message.boot(),
                message.seq(), message.timestampMs(), message.powerMw(), message.energyMwh(), message.flags(),
                reading.status(), reading.verificationError(), Hex.encode(candidate.reading().message()),
                Hex.encode(candidate.reading().lowSSignature()), candidate.raw().receivedAtMs(), verifiedAtMs);
    }

    /**
     * @param row a stored reading whose status changed (register verdict, disputed)
     * @return its event
     */
    public static VerifiedEvent of(ReadingRow row) {
        return new VerifiedEvent(row.id(), row.installationId(), row.deviceId(), row.boot(), row.seq(),
                row.timestampMs(), row.powerMw(), row.energyMwh(), row.flags(), row.status(), row.verificationError(),
                Hex.encode(row.message()), Hex.encode(row.signature()), row.receivedAtMs(), row.verifiedAtMs());
    }
}
