package io.wattwitness.ingest.service;

import io.wattwitness.reading.DeviceAck;

/**
 * Outcome of {@link AckRecordChecker#check(String, byte[])} for one record of Kafka topic {@code devices.acks}:
 * either {@link Relay} or {@link Invalid}.
 */
public sealed interface AckRecord permits AckRecord.Relay, AckRecord.Invalid {

    /**
     * A well-formed ack to publish on the device's ack topic.
     *
     * @param deviceId the record key, 16 lowercase hex characters
     * @param ack the decoded ack (SPEC.md §6.1)
     * @param json the record value as received, UTF-8 text; this is what the device gets
     */
    record Relay(String deviceId, DeviceAck ack, String json) implements AckRecord {
    }

    /**
     * A record that is not an ack of one device; it is counted, logged and skipped.
     *
     * @param reason {@link InvalidReason#BAD_KEY} or {@link InvalidReason#BAD_VALUE}
     * @param detail human-readable explanation naming the offending member
     */
    record Invalid(InvalidReason reason, String detail) implements AckRecord {
    }

    /** Why a {@code devices.acks} record cannot be relayed; {@link #wire()} is the metric tag. */
    enum InvalidReason {
        /** The key is absent or not a device id (16 lowercase hex characters). */
        BAD_KEY("bad_key"),
        /** The value is absent, too large, not JSON or not an ack of SPEC.md §6.1. */
        BAD_VALUE("bad_value");

        private final String wire;

        InvalidReason(String wire) {
            this.wire = wire;
        }

        /** @return the lowercase code used as tag {@code reason} of {@code ingest_ack_records_invalid_total} */
        public String wire() {
            return wire;
        }
    }
}
