package io.wattwitness.verify.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RejectedRecordsTest {

    @Test
    void aContractRecordBecomesAnIngestQuarantineRowWithTheRawPayload() {
        byte[] payload = "{\"message\":\"zz\"}".getBytes(StandardCharsets.UTF_8);
        String value = "{\"reason\":\"message_length\",\"detail\":\"message: expected 104 hex characters\","
                + "\"source\":\"mqtt\",\"topic\":\"wattwitness/v1/devices/0011223344556677/readings\","
                + "\"received_at\":1767225600123,\"raw_base64\":\"" + Base64.getEncoder().encodeToString(payload) + "\"}";
        QuarantineEntry entry = RejectedRecords.toEntry("0011223344556677", value.getBytes(StandardCharsets.UTF_8),
                1L, "readings.rejected/0@5");
        assertEquals("ingest", entry.stage());
        assertEquals("message_length", entry.reason());
        assertEquals("message: expected 104 hex characters", entry.detail());
        assertEquals("mqtt", entry.source());
        assertEquals("wattwitness/v1/devices/0011223344556677/readings", entry.topic());
        assertEquals(1_767_225_600_123L, entry.receivedAtMs());
        assertEquals("0011223344556677", entry.deviceId());
        assertArrayEquals(payload, entry.raw());
        assertNull(entry.boot());
    }

    @Test
    void aRecordOutsideTheContractIsKeptWhole() {
        byte[] value = "not json".getBytes(StandardCharsets.UTF_8);
        QuarantineEntry entry = RejectedRecords.toEntry(null, value, 1_767_225_600_000L, "readings.rejected/1@9");
        assertEquals("malformed_rejected_record", entry.reason());
        assertEquals("unknown", entry.source());
        assertArrayEquals(value, entry.raw());
        assertEquals(1_767_225_600_000L, entry.receivedAtMs());
        assertEquals("record is not a JSON object [readings.rejected/1@9]", entry.detail());

        byte[] badBase64 = "{\"reason\":\"topic_mismatch\",\"raw_base64\":\"@@@\"}".getBytes(StandardCharsets.UTF_8);
        QuarantineEntry second = RejectedRecords.toEntry("zz", badBase64, 5L, "p");
        assertEquals("malformed_rejected_record", second.reason());
        assertArrayEquals(badBase64, second.raw());
        assertNull(second.deviceId());
    }

    @Test
    void textCannotCarryNulCharactersIntoTheDatabase() {
        String value = "{\"reason\":\"payload_too_large\",\"detail\":\"a\\u0000b\",\"source\":\"mqtt\","
                + "\"topic\":\"t\\u0000\",\"raw_base64\":\"AA==\"}";
        QuarantineEntry entry = RejectedRecords.toEntry(null, value.getBytes(StandardCharsets.UTF_8), 1L, "p");
        assertEquals("a\uFFFDb", entry.detail());
        assertEquals("t\uFFFD", entry.topic());
        assertArrayEquals(new byte[] {0}, entry.raw());
    }
}
