package io.wattwitness.verify.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QuarantineEntryTest {

    private static final byte[] RAW = "{\"message\":\"00\",\"signature\":\"11\"}".getBytes(StandardCharsets.UTF_8);

    private static QuarantineEntry entry(long receivedAtMs, String topic, String reason, String deviceId) {
        return new QuarantineEntry(receivedAtMs, "mqtt", QuarantineEntry.STAGE_VERIFY, reason, "detail", topic,
                deviceId, 7L, 1L, 2L, RAW);
    }

    @Test
    void aResendOfTheSameEnvelopeIsTheSameRow() {
        String first = entry(1_000, "t/a", "bad_signature", "0011223344556677").eventKey();
        String resent = entry(9_000, "t/b", "bad_signature", "0011223344556677").eventKey();
        assertEquals(first, resent);
        assertTrue(first.matches("[0-9a-f]{64}"));
    }

    @Test
    void anotherDeviceOrReasonIsAnotherRow() {
        String first = entry(1_000, "t/a", "bad_signature", "0011223344556677").eventKey();
        assertNotEquals(first, entry(1_000, "t/a", "bad_signature", "8899aabbccddeeff").eventKey());
        assertNotEquals(first, entry(1_000, "t/a", "clock_ahead", "0011223344556677").eventKey());
        assertNotEquals(first, entry(1_000, "t/a", "bad_signature", null).eventKey());
    }
}
