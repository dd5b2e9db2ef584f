package io.wattwitness.simulator.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wattwitness.reading.DeviceAck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link AckParser} against reading-format's ack vectors (SPEC.md §7) and a few stricter cases. */
class AckParserTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static DeviceAck parse(String text) throws AckParser.InvalidAckException {
        return AckParser.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyAckVectorParsesOrFailsOnTheNamedMember() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("../reading-format/vectors/acks.jsonl"));
        assertTrue(lines.size() >= 10, "vectors found: " + lines.size());
        for (String line : lines) {
            JsonNode vector = JSON.readTree(line);
            String name = vector.get("name").asText();
            String text = vector.get("json").asText();
            if (vector.get("expected").asText().equals("valid")) {
                DeviceAck ack = parse(text);
                assertEquals(vector.get("boot").asLong(), ack.boot(), name);
                assertEquals(vector.get("stored").toString(), ranges(ack.stored()), name);
                assertEquals(vector.get("refused").toString(), ranges(ack.refused()), name);
                vector.get("named").forEach(seq -> assertTrue(ack.names(seq.asLong()), name + " names " + seq));
                vector.get("not_named").forEach(seq -> assertFalse(ack.names(seq.asLong()), name + " " + seq));
                assertEquals(ack, parse(ack.toJson()), name + " round trip");
            } else {
                AckParser.InvalidAckException e = assertThrows(AckParser.InvalidAckException.class,
                        () -> parse(text), name);
                assertTrue(e.getMessage().startsWith(vector.get("error").asText() + ":"),
                        name + ": " + e.getMessage());
            }
        }
    }

    @Test
    void stricterThanPlainJson() {
        String[] invalid = {
            "{\"boot\":1,\"stored\":[],\"refused\":[]} {}",
            "{\"boot\":1,\"boot\":2,\"stored\":[],\"refused\":[]}",
            "{\"boot\":1.5,\"stored\":[],\"refused\":[]}",
            "{\"boot\":\"1\",\"stored\":[],\"refused\":[]}",
            "{\"boot\":1,\"stored\":[[1]],\"refused\":[]}",
            "{\"boot\":1,\"stored\":[[1,2,3]],\"refused\":[]}",
            "{\"boot\":1,\"stored\":[[\"1\",2]],\"refused\":[]}",
            "{\"boot\":1,\"stored\":{},\"refused\":[]}",
            "{\"boot\":1,\"stored\":[]}",
            "{\"boot\":99999999999999999999999,\"stored\":[],\"refused\":[]}",
            "[1,2]",
            "",
        };
        for (String text : invalid) {
            assertThrows(AckParser.InvalidAckException.class, () -> parse(text), text);
        }
        byte[] huge = new byte[AckParser.MAX_PAYLOAD_BYTES + 1];
        assertThrows(AckParser.InvalidAckException.class, () -> AckParser.parse(huge));
    }

    private static String ranges(List<DeviceAck.SeqRange> ranges) {
        StringBuilder out = new StringBuilder("[");
        for (DeviceAck.SeqRange range : ranges) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append('[').append(range.first()).append(',').append(range.last()).append(']');
        }
        return out.append(']').toString();
    }
}
