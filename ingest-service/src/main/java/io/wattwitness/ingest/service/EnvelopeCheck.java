package io.wattwitness.ingest.service;

import io.wattwitness.reading.Envelope;
import java.nio.ByteBuffer;

/**
 * Outcome of {@link EnvelopeChecker#check(byte[], String)}: either {@link Accepted} or {@link Rejected}.
 */
public sealed interface EnvelopeCheck permits EnvelopeCheck.Accepted, EnvelopeCheck.Rejected {

    /**
     * The envelope has the right shape; it is forwarded to {@code readings.raw} as received.
     *
     * @param envelope the decoded envelope (52-byte message, 64-byte signature)
     * @param deviceId device id from the message, 16 lowercase hex characters (the Kafka key)
     */
    record Accepted(Envelope envelope, String deviceId) implements EnvelopeCheck {

        /** @return the boot counter, bytes 18–21 of the message (SPEC.md §2), as an unsigned 32-bit value */
        public long boot() {
            return ByteBuffer.wrap(envelope.message(), 18, 4).getInt() & 0xFFFF_FFFFL;
        }

        /** @return the sequence number, bytes 22–25 of the message (SPEC.md §2), as an unsigned 32-bit value */
        public long seq() {
            return ByteBuffer.wrap(envelope.message(), 22, 4).getInt() & 0xFFFF_FFFFL;
        }
    }

    /**
     * The envelope cannot be accepted; it goes to {@code readings.rejected} with its raw bytes.
     *
     * @param reason stable reason code
     * @param detail human-readable explanation, naming the offending member
     */
    record Rejected(RejectReason reason, String detail) implements EnvelopeCheck {
    }
}
