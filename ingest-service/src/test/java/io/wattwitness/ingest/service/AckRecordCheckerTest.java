package io.wattwitness.ingest.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wattwitness.reading.DeviceAck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AckRecordCheckerTest {

    private static final String DEVICE = "0011223344556677";
    private static final Path VECTORS = Path.of("..", "reading-format", "vectors", "acks.jsonl");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final AckRecordChecker checker = new AckRecordChecker(16_384);

    @Test
    void everyAckVectorIsJudgedAsTheVectorSays() throws Exception {
        List<String> lines = Files.readAllLines(VECTORS);
        assertTrue(lines.size() >= 10, "vectors in " + VECTORS.toAbsolutePath());
        int valid = 0;
        for (String line : lines) {
            JsonNode vector = MAPPER.readTree(line);
            String name = vector.get("name").textValue();
            String json = vector.get("json").textValue();
            AckRecord result = checker.check(DEVICE, json.getBytes(StandardCharsets.UTF_8));
            if ("valid".equals(vector.get("expected").textValue())) {
                AckRecord.Relay relay = assertInstanceOf(AckRecord.Relay.class, result, name);
                assertEquals(DEVICE, relay.deviceId(), name);
                assertEquals(json, relay.json(), name);
                assertEquals(vector.get("boot").longValue(), relay.ack().boot(), name);
                assertEquals(ranges(vector.get("stored")), relay.ack().stored(), name);
                assertEquals(ranges(vector.get("refused")), relay.ack().refused(), name);
                for (JsonNode seq : vector.get("named")) {
                    assertTrue(relay.ack().names(seq.longValue()), name + " names " + seq);
                }
                valid++;
            } else {
                AckRecord.Invalid invalid = assertInstanceOf(AckRecord.Invalid.class, result, name);
                assertEquals(AckRecord.InvalidReason.BAD_VALUE, invalid.reason(), name);
                String member = vector.get("error").textValue();
                assertTrue(invalid.detail().startsWith(member + ":"), name + ": " + invalid.detail());
            }
        }
        assertTrue(valid > 0 && valid < lines.size());
    }

    @Test
    void theKeyMustBeALowercaseDeviceId() {
        byte[] ack = DeviceAck.of(1, new long[] {0}, new long[0]).get(0).toJson().getBytes(StandardCharsets.UTF_8);
        for (String key : new String[] {null, "", "001122334455667", "00112233445566778", "001122334455667G",
                "00112233445566AA", "wattwitness/v1/x"}) {
            AckRecord.Invalid invalid = assertInstanceOf(AckRecord.Invalid.class, checker.check(key, ack), key);
            assertEquals(AckRecord.InvalidReason.BAD_KEY, invalid.reason());
        }
        assertInstanceOf(AckRecord.Relay.class, checker.check("00112233445566aa", ack));
    }

    @Test
    void emptyOversizedAndNonObjectValuesAreBadValues() {
        byte[] big = new byte[16_385];
        java.util.Arrays.fill(big, (byte) ' ');
        for (byte[] value : new byte[][] {null, new byte[0], big, utf8("[1,2]"), utf8("{\"boot\":1,"),
                utf8("{\"boot\":1,\"stored\":[],\"refused\":[]} x"),
                utf8("{\"boot\":1,\"boot\":2,\"stored\":[],\"refused\":[]}"),
                utf8("{\"boot\":1.5,\"stored\":[],\"refused\":[]}"),
                utf8("{\"boot\":1,\"stored\":[[0]],\"refused\":[]}"),
                utf8("{\"boot\":1,\"stored\":[],\"refused\":{}}"),
                utf8("{\"boot\":1,\"stored\":[]}")}) {
            AckRecord.Invalid invalid = assertInstanceOf(AckRecord.Invalid.class, checker.check(DEVICE, value));
            assertEquals(AckRecord.InvalidReason.BAD_VALUE, invalid.reason(), invalid.detail());
        }
    }

    @Test
    void moreThanTheMostRangesIsRefusedAndTheSplitAcksPass() {
        long[] seqs = new long[600];
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = 2L * i;
        }
        StringBuilder tooMany = new StringBuilder("{\"boot\":1,\"stored\":[");
        for (int i = 0; i < 300; i++) {
            tooMany.append(i == 0 ? "" : ",").append('[').append(2 * i).append(',').append(2 * i).append(']');
        }
        tooMany.append("],\"refused\":[]}");
        AckRecord.Invalid invalid = assertInstanceOf(AckRecord.Invalid.class,
                new AckRecordChecker(65_536).check(DEVICE, utf8(tooMany.toString())));
        assertTrue(invalid.detail().startsWith("stored:"), invalid.detail());
        for (DeviceAck ack : DeviceAck.of(1, seqs, new long[0])) {
            AckRecord.Relay relay = assertInstanceOf(AckRecord.Relay.class, checker.check(DEVICE, utf8(ack.toJson())));
            assertEquals(ack, relay.ack());
        }
    }

    private static List<DeviceAck.SeqRange> ranges(JsonNode node) {
        List<DeviceAck.SeqRange> ranges = new ArrayList<>();
        for (JsonNode range : node) {
            ranges.add(new DeviceAck.SeqRange(range.get(0).longValue(), range.get(1).longValue()));
        }
        return ranges;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
