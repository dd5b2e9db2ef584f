package io.wattwitness.verifier.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The reading-format Merkle vectors (reading-format/vectors/merkle.jsonl, SPEC §7). */
final class Vectors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Vectors() {
    }

    /** @return the Merkle vector of that name */
    static JsonNode merkle(String name) {
        Path file = Path.of(System.getProperty("wattwitness.vectors.dir", "../reading-format/vectors"), "merkle.jsonl");
        try {
            for (String line : Files.readAllLines(file)) {
                JsonNode node = JSON.readTree(line);
                if (node.path("name").asText().equals(name)) {
                    return node;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalArgumentException("no Merkle vector " + name);
    }

    /**
     * The bundle JSON that query-service serves for leaf {@code index} of a Merkle vector, as batch {@code batchId}.
     */
    static String bundleJson(String vector, int index, long batchId) {
        JsonNode v = merkle(vector);
        JsonNode leaf = v.path("leaves").get(index);
        var bundle = JSON.createObjectNode();
        bundle.put("batch_id", batchId);
        bundle.put("reading_id", 100 + index);
        bundle.put("index", index);
        bundle.put("leaf", "0x" + v.path("leaf_hashes").get(index).asText());
        var proof = bundle.putArray("proof");
        v.path("proofs").get(index).forEach(p -> proof.add("0x" + p.asText()));
        bundle.put("merkle_root", "0x" + v.path("root").asText());
        bundle.put("message", leaf.path("message").asText());
        bundle.put("signature", leaf.path("signature").asText());
        bundle.put("public_key", leaf.path("public_key").asText());
        bundle.put("device_id", leaf.path("message").asText().substring(8, 24));
        return bundle.toString();
    }
}
