package io.wattwitness.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class StatusCheckerTest {

    private static final String DEVICE = "0a1b2c3d4e5f6071";

    private final StatusChecker checker = new StatusChecker(4096);

    private StatusCheck check(String payload, String device) {
        return checker.check(payload.getBytes(StandardCharsets.UTF_8), device);
    }

    @Test
    void acceptsBirthAndLastWill() {
        String birth = "{\"state\":\"online\",\"boot\":12,\"firmware\":\"1.4.0\",\"ts\":1735689600000}";
        StatusCheck.Accepted online = assertInstanceOf(StatusCheck.Accepted.class, check(birth, DEVICE));
        assertEquals(new StatusCheck.Accepted(DEVICE, "online", 12L, birth), online);
        StatusCheck.Accepted offline = assertInstanceOf(StatusCheck.Accepted.class,
                check("{\"state\":\"offline\",\"boot\":4294967295}", DEVICE));
        assertEquals(4_294_967_295L, offline.boot());
        StatusCheck.Accepted noBoot = assertInstanceOf(StatusCheck.Accepted.class,
                check("{\"state\":\"offline\"}", DEVICE));
        assertNull(noBoot.boot());
    }

    @Test
    void rejectsBadStatusMessages() {
        String[] payloads = {"", "online", "{\"state\":\"sleeping\",\"boot\":1}", "{\"boot\":1}",
            "{\"state\":\"online\",\"boot\":-1}", "{\"state\":\"online\",\"boot\":4294967296}",
            "{\"state\":\"online\",\"boot\":\"3\"}", "{\"state\":\"online\",\"boot\":1.5}"};
        for (String payload : payloads) {
            StatusCheck.Rejected rejected = assertInstanceOf(StatusCheck.Rejected.class, check(payload, DEVICE),
                    payload);
            assertEquals(RejectReason.MALFORMED_STATUS, rejected.reason());
        }
    }

    @Test
    void rejectsABadDeviceIdInTheTopic() {
        String birth = "{\"state\":\"online\",\"boot\":1}";
        for (String device : new String[] {null, "", "0A1B2C3D4E5F6071", "0a1b2c3d4e5f607", "0a1b2c3d4e5f6071aa"}) {
            StatusCheck.Rejected rejected = assertInstanceOf(StatusCheck.Rejected.class, check(birth, device));
            assertEquals("topic device id is not 16 lowercase hex characters: " + device, rejected.detail());
        }
    }

    @Test
    void kafkaValuesFollowTheContract() throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        String birth = "{\"state\":\"online\",\"boot\":3}";
        JsonNode status = mapper.readTree(KafkaValues.status(new StatusCheck.Accepted(DEVICE, "online", 3L, birth),
                1_735_689_600_123L));
        assertEquals(DEVICE, status.get("device_id").textValue());
        assertEquals("online", status.get("state").textValue());
        assertEquals(3, status.get("boot").longValue());
        assertEquals(birth, status.get("payload").textValue());
        assertEquals(1_735_689_600_123L, status.get("received_at").longValue());
        assertEquals(5, status.size());

        byte[] raw = {1, 2, (byte) 0xff};
        JsonNode rejected = mapper.readTree(KafkaValues.rejected(RejectReason.TOPIC_MISMATCH, "detail text", "mqtt",
                "wattwitness/v1/devices/x/readings", 42L, raw));
        assertEquals("topic_mismatch", rejected.get("reason").textValue());
        assertEquals("detail text", rejected.get("detail").textValue());
        assertEquals("mqtt", rejected.get("source").textValue());
        assertEquals("wattwitness/v1/devices/x/readings", rejected.get("topic").textValue());
        assertEquals(42L, rejected.get("received_at").longValue());
        assertEquals(Base64.getEncoder().encodeToString(raw), rejected.get("raw_base64").textValue());
        assertEquals(6, rejected.size());
        JsonNode nullTopic = mapper.readTree(KafkaValues.rejected(RejectReason.MALFORMED_JSON, "d", "http", null, 1L,
                raw));
        assertEquals(true, nullTopic.get("topic").isNull());
    }
}
