package io.wattwitness.verify.service;

import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.reading.VerifiedReading;

/**
 * Result of the stateless checks on one {@code readings.raw} record ({@link ReadingChecker}): decoding and
 * signature verification. The state-dependent rules come afterwards ({@link PollPlanner}).
 */
public sealed interface Checked permits Checked.Decoded, Checked.Accepted, Checked.Rejected {

    /** @return the record the result is about */
    RawEnvelope raw();

    /**
     * The envelope parsed and the message decoded; the device key is still to be found.
     *
     * @param raw the record
     * @param envelope message and signature bytes
     * @param message the decoded message (SPEC.md §2)
     */
    record Decoded(RawEnvelope raw, Envelope envelope, ReadingMessage message) implements Checked {
    }

    /**
     * Signed by a registered key: ready for the replay and plausibility rules.
     *
     * @param raw the record
     * @param installationId installation owning the key
     * @param reading decoded fields, message bytes and low-S signature
     */
    record Accepted(RawEnvelope raw, long installationId, VerifiedReading reading) implements Checked {

        /** @return the decoded message */
        public ReadingMessage message() {
            return reading.reading();
        }

        /** @return the device id, 16 lowercase hex */
        public String deviceId() {
            return reading.reading().deviceIdHex();
        }
    }

    /**
     * Not acceptable: goes to quarantine with its reason.
     *
     * @param raw the record
     * @param reason machine-readable code (reading-format codes, {@code unknown_device}, rule codes)
     * @param detail human-readable explanation
     * @param deviceId device id as claimed by the message (or record key), or null
     * @param installationId installation of the key, when the key was found, or null
     * @param boot boot counter from the message when it decoded, or null
     * @param seq sequence number from the message when it decoded, or null
     */
    record Rejected(RawEnvelope raw, String reason, String detail, String deviceId, Long installationId, Long boot,
            Long seq) implements Checked {

        /**
         * @param raw the record
         * @param reason the code
         * @param detail the explanation
         * @param deviceId claimed device id or null
         * @return a rejection without decoded fields
         */
        public static Rejected undecoded(RawEnvelope raw, String reason, String detail, String deviceId) {
            return new Rejected(raw, reason, detail, deviceId, null, null, null);
        }

        /**
         * @param raw the record
         * @param reason the code
         * @param detail the explanation
         * @param message the decoded message
         * @param installationId installation of the key or null
         * @return a rejection naming the reading's identity
         */
        public static Rejected of(RawEnvelope raw, String reason, String detail, ReadingMessage message,
                Long installationId) {
            return new Rejected(raw, reason, detail, message.deviceIdHex(), installationId, message.boot(),
                    message.seq());
        }
    }
}
