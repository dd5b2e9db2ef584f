package io.wattwitness.ingest.service;

/**
 * Outcome of {@link StatusChecker#check(byte[], String)}: either {@link Accepted} or {@link Rejected}.
 */
public sealed interface StatusCheck permits StatusCheck.Accepted, StatusCheck.Rejected {

    /**
     * A birth or last-will message (README.md, topic {@code wattwitness/v1/devices/{id}/status}).
     *
     * @param deviceId device id from the topic, 16 lowercase hex characters
     * @param state {@code online} or {@code offline}
     * @param boot the boot counter the device reported, or null when absent
     * @param payload the payload as UTF-8 text
     */
    record Accepted(String deviceId, String state, Long boot, String payload) implements StatusCheck {
    }

    /**
     * A status message that cannot be forwarded to {@code devices.status}.
     *
     * @param reason always {@link RejectReason#MALFORMED_STATUS}
     * @param detail human-readable explanation
     */
    record Rejected(RejectReason reason, String detail) implements StatusCheck {
    }
}
