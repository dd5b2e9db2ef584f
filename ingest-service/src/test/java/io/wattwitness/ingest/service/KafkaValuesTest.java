package io.wattwitness.ingest.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wattwitness.reading.Hex;
import io.wattwitness.reading.ReadingMessage;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class KafkaValuesTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void anOversizedPayloadIsCutSoThatTheRejectedRecordFitsInKafka() throws Exception {
        byte[] huge = new byte[1_000_000];
        for (int i = 0; i < huge.length; i++) {
            huge[i] = (byte) i;
        }
        byte[] value = KafkaValues.rejected(RejectReason.PAYLOAD_TOO_LARGE, "payload is 1000000 bytes", "mqtt",
                "wattwitness/v1/devices/0011223344556677/readings", 42L, huge, 65_536);
        // Kafka's default max.request.size is 1048576 bytes: the whole payload in base64 would be 1333336
        assertTrue(value.length < 100_000, "record of " + value.length + " bytes");
        JsonNode node = mapper.readTree(value);
        assertArrayEquals(Arrays.copyOf(huge, 65_536), Base64.getDecoder().decode(node.get("raw_base64").textValue()));
        assertEquals(1_000_000, node.get("raw_length").intValue());
        assertEquals(Hex.encode(ReadingMessage.digest(huge)), node.get("raw_sha256").textValue());
        assertEquals("payload is 1000000 bytes (raw payload cut to its first 65536 of 1000000 bytes)",
                node.get("detail").textValue());
        assertEquals("payload_too_large", node.get("reason").textValue());
    }

    @Test
    void aPayloadWithinTheLimitIsKeptWholeWithoutExtraMembers() throws Exception {
        byte[] payload = new byte[65_536];
        Arrays.fill(payload, (byte) 'x');
        JsonNode node = mapper.readTree(KafkaValues.rejected(RejectReason.MALFORMED_JSON, "not JSON", "mqtt", null,
                7L, payload, 65_536));
        assertArrayEquals(payload, Base64.getDecoder().decode(node.get("raw_base64").textValue()));
        assertEquals("not JSON", node.get("detail").textValue());
        assertNull(node.get("raw_length"));
        assertNull(node.get("raw_sha256"));
    }
}
