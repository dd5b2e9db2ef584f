package io.wattwitness.ingest.service;

/**
 * Why ingest refused a message (README.md, topic {@code readings.rejected}). The wire code is what
 * verify-service stores in the quarantine table (stage {@code ingest}).
 */
public enum RejectReason {
    /** The payload is not one JSON object (not UTF-8 JSON, trailing content, duplicate members, not an object). */
    MALFORMED_JSON("malformed_json"),
    /** The {@code message} or {@code signature} member is absent. */
    MISSING_MEMBER("missing_member"),
    /** {@code message} is not a string of exactly 104 hex characters (SPEC.md §4). */
    MESSAGE_LENGTH("message_length"),
    /** {@code signature} is not a string of exactly 128 hex characters (SPEC.md §4). */
    SIGNATURE_LENGTH("signature_length"),
    /** The device id in the MQTT topic differs from bytes 4–11 of the message. */
    TOPIC_MISMATCH("topic_mismatch"),
    /** The payload exceeds the configured size limit. */
    PAYLOAD_TOO_LARGE("payload_too_large"),
    /** A status message that is not {@code {"state":"online"|"offline","boot":N,...}} or has a bad device topic. */
    MALFORMED_STATUS("malformed_status");

    private final String wire;

    RejectReason(String wire) {
        this.wire = wire;
    }

    /** @return the lowercase reason code written to {@code readings.rejected} and used as metric tag */
    public String wire() {
        return wire;
    }
}
