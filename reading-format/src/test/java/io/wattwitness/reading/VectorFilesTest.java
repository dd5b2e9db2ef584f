package io.wattwitness.reading;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Replays every line of {@code vectors/readings.jsonl} and {@code vectors/merkle.jsonl}, and checks that the
 * committed files are exactly what {@link VectorGenerator} produces. Regenerate with
 * {@code mvn -pl reading-format test -Dtest=VectorFilesTest -Dwattwitness.vectors.write=true}.
 */
class VectorFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Path vectorsDir() {
        return Path.of(System.getProperty("wattwitness.vectors.dir", "vectors"));
    }

    static List<JsonNode> read(String file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(vectorsDir().resolve(file), StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                nodes.add(JSON.readTree(line));
            }
        }
        return nodes;
    }

    @Test
    void committedFilesMatchTheGenerator() throws Exception {
        String readings = String.join("\n", VectorGenerator.readingLines()) + "\n";
        String merkle = String.join("\n", VectorGenerator.merkleLines()) + "\n";
        if (Boolean.getBoolean("wattwitness.vectors.write")) {
            Files.writeString(vectorsDir().resolve("readings.jsonl"), readings, StandardCharsets.UTF_8);
            Files.writeString(vectorsDir().resolve("merkle.jsonl"), merkle, StandardCharsets.UTF_8);
        }
        assertEquals(readings, Files.readString(vectorsDir().resolve("readings.jsonl"), StandardCharsets.UTF_8));
        assertEquals(merkle, Files.readString(vectorsDir().resolve("merkle.jsonl"), StandardCharsets.UTF_8));
    }

    @Test
    void everyReadingVectorGivesItsExpectedOutcome() throws Exception {
        List<JsonNode> vectors = read("readings.jsonl");
        assertTrue(vectors.size() >= 20, "at least 20 reading vectors");
        int valid = 0;
        int invalid = 0;
        for (JsonNode vector : vectors) {
            String name = vector.get("name").asText();
            byte[] message = Hex.decode(vector.get("message").asText());
            byte[] signature = Hex.decode(vector.get("signature").asText());
            String expectedError = vector.get("error").isNull() ? null : vector.get("error").asText();
            String actualError = null;
            VerifiedReading verified = null;
            try {
                DeviceKey key = DeviceKey.of(Hex.decode(vector.get("public_key").asText()));
                verified = ReadingVerifier.verify(key, message, signature);
            } catch (ReadingFormatException e) {
                actualError = e.code().wire();
            }
            assertEquals(expectedError, actualError, name);
            assertEquals(expectedError == null ? "valid" : "invalid", vector.get("expected").asText(), name);
            if (!vector.get("digest").isNull()) {
                assertEquals(vector.get("digest").asText(), Hex.encode(ReadingMessage.digest(message)), name);
            }
            if (verified == null) {
                invalid++;
                continue;
            }
            valid++;
            assertEquals(vector.get("low_s_signature").asText(), Hex.encode(verified.lowSSignature()), name);
            JsonNode fields = vector.get("fields");
            ReadingMessage reading = verified.reading();
            assertEquals(fields.get("device_id").asText(), reading.deviceIdHex(), name);
            assertEquals(fields.get("meter_id").asText(), reading.meterIdHex(), name);
            assertEquals(fields.get("boot").asLong(), reading.boot(), name);
            assertEquals(fields.get("seq").asLong(), reading.seq(), name);
            assertEquals(Long.parseLong(fields.get("timestamp_ms").asText()), reading.timestampMs(), name);
            assertEquals(Long.parseLong(fields.get("power_mw").asText()), reading.powerMw(), name);
            assertEquals(Long.parseLong(fields.get("energy_mwh").asText()), reading.energyMwh(), name);
            assertEquals(fields.get("flags").asInt(), reading.flags(), name);
            assertArrayEquals(message, reading.encode(), name + " re-encodes to the same bytes");
        }
        assertEquals(8, valid, "valid vectors");
        assertEquals(vectors.size() - 8, invalid, "invalid vectors");
    }

    @Test
    void everyMerkleVectorRebuildsItsRootAndProofs() throws Exception {
        List<JsonNode> vectors = read("merkle.jsonl");
        assertFalse(vectors.isEmpty());
        for (JsonNode vector : vectors) {
            String name = vector.get("name").asText();
            List<byte[]> leaves = new ArrayList<>();
            int i = 0;
            for (JsonNode leaf : vector.get("leaves")) {
                byte[] message = Hex.decode(leaf.get("message").asText());
                byte[] signature = Hex.decode(leaf.get("signature").asText());
                DeviceKey key = DeviceKey.ofHex(leaf.get("public_key").asText());
                assertNotNull(ReadingVerifier.verify(key, message, signature), name);
                byte[] hash = MerkleTree.leaf(message, signature);
                assertEquals(vector.get("leaf_hashes").get(i).asText(), Hex.encode(hash), name + " leaf " + i);
                leaves.add(hash);
                i++;
            }
            MerkleTree tree = MerkleTree.of(leaves);
            byte[] root = Hex.decode(vector.get("root").asText());
            assertArrayEquals(root, tree.root(), name);
            for (int leaf = 0; leaf < leaves.size(); leaf++) {
                List<byte[]> proof = new ArrayList<>();
                vector.get("proofs").get(leaf).forEach(node -> proof.add(Hex.decode(node.asText())));
                assertEquals(proof.size(), tree.proof(leaf).size(), name);
                assertTrue(MerkleTree.verify(proof, root, leaves.get(leaf)), name + " proof " + leaf);
                if (!proof.isEmpty()) {
                    byte[] tampered = proof.get(0).clone();
                    tampered[0] ^= 1;
                    proof.set(0, tampered);
                    assertFalse(MerkleTree.verify(proof, root, leaves.get(leaf)), name + " tampered proof " + leaf);
                }
            }
        }
    }

    @Test
    void vectorsCoverEveryReasonCode() throws Exception {
        List<String> errors = new ArrayList<>();
        read("readings.jsonl").forEach(v -> errors.add(v.get("error").asText()));
        for (ReadingFormatException.Code code : ReadingFormatException.Code.values()) {
            if (!errors.contains(code.wire())) {
                fail("no vector for " + code.wire());
            }
        }
    }
}
