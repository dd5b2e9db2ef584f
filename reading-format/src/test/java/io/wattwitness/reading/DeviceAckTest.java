package io.wattwitness.reading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wattwitness.reading.DeviceAck.SeqRange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceAckTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void buildsRangesFromUnorderedSeqsWithDuplicates() {
        List<DeviceAck> acks = DeviceAck.of(7, new long[] {43, 0, 1, 2, 2, 44, 99}, new long[] {42, 3});
        assertEquals(1, acks.size());
        DeviceAck ack = acks.get(0);
        assertEquals("{\"boot\":7,\"stored\":[[0,2],[43,44],[99,99]],\"refused\":[[3,3],[42,42]]}", ack.toJson());
        assertTrue(ack.isStored(43));
        assertTrue(ack.isRefused(42));
        assertFalse(ack.names(45));
        assertEquals(8, ack.count());
    }

    @Test
    void aSeqInBothListsCountsAsStored() {
        DeviceAck ack = DeviceAck.of(1, new long[] {5}, new long[] {4, 5, 6}).get(0);
        assertEquals(List.of(new SeqRange(5, 5)), ack.stored());
        assertEquals(List.of(new SeqRange(4, 4), new SeqRange(6, 6)), ack.refused());
    }

    @Test
    void splitsAtTheRangeLimit() {
        long[] every2nd = new long[600];
        for (int i = 0; i < every2nd.length; i++) {
            every2nd[i] = 2L * i;
        }
        List<DeviceAck> acks = DeviceAck.of(3, every2nd, new long[] {1});
        assertEquals(3, acks.size());
        assertEquals(256, acks.get(0).stored().size() + acks.get(0).refused().size());
        assertEquals(601, acks.stream().mapToLong(DeviceAck::count).sum());
        assertTrue(acks.get(2).isStored(1198));
    }

    @Test
    void nothingToSayGivesNoAck() {
        assertEquals(List.of(), DeviceAck.of(1, new long[0], new long[0]));
    }

    @Test
    void refusesOverlappingRangesAndOutOfRangeBoot() {
        assertThrows(IllegalArgumentException.class,
                () -> new DeviceAck(1, List.of(new SeqRange(0, 5), new SeqRange(5, 6)), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new DeviceAck(1L << 32, List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new SeqRange(4, 3));
    }

    /** Replays vectors/acks.jsonl: valid cases parse and name exactly their seqs, invalid ones are refused. */
    @Test
    void ackVectors() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("vectors/acks.jsonl"));
        assertEquals(15, lines.size());
        int valid = 0;
        for (String line : lines) {
            JsonNode vector = JSON.readTree(line);
            String name = vector.get("name").asText();
            if (vector.get("expected").asText().equals("valid")) {
                DeviceAck ack = parse(vector.get("json").asText());
                assertEquals(vector.get("boot").asLong(), ack.boot(), name);
                assertEquals(ranges(vector.get("stored")), ack.stored(), name);
                assertEquals(ranges(vector.get("refused")), ack.refused(), name);
                assertEquals(vector.get("json").asText().replace(",\"hint\":\"x\"", ""), ack.toJson(), name);
                vector.get("named").forEach(seq -> assertTrue(ack.names(seq.asLong()), name + " " + seq));
                vector.get("not_named").forEach(seq -> assertFalse(ack.names(seq.asLong()), name + " " + seq));
                valid++;
            } else {
                assertThrows(Exception.class, () -> parse(vector.get("json").asText()), name);
            }
        }
        assertEquals(6, valid);
    }

    private static DeviceAck parse(String text) throws IOException {
        JsonNode node = JSON.readTree(text);
        if (node == null || !node.isObject() || !node.has("boot") || !node.has("stored") || !node.has("refused")) {
            throw new IOException("not an ack: " + text);
        }
        return new DeviceAck(node.get("boot").asLong(), ranges(node.get("stored")), ranges(node.get("refused")));
    }

    private static List<SeqRange> ranges(JsonNode array) {
        List<SeqRange> ranges = new ArrayList<>();
        array.forEach(pair -> ranges.add(new SeqRange(pair.get(0).asLong(), pair.get(1).asLong())));
        return ranges;
    }
}
