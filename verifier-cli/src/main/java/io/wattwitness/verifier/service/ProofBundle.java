package io.wattwitness.verifier.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wattwitness.reading.Hex;
import java.util.ArrayList;
import java.util.List;

/**
 * A reading's proof bundle: the JSON body of query-service's {@code GET /api/v1/batches/{id}/proof/{reading_id}}
 * (snake_case), as saved to a file or fetched.
 *
 * <pre>
 * {"batch_id": 3, "reading_id": 17, "index": 2, "leaf": "0x…", "proof": ["0x…", …], "merkle_root": "0x…",
 *  "message": "104 hex", "signature": "128 hex", "public_key": "128 hex or null", "device_id": "16 hex"}
 * </pre>
 * Hex may carry a {@code 0x} prefix or not. Required: batch_id, proof, merkle_root, message, signature; the others
 * are informational (the verifier never trusts the bundle's key).
 *
 * @param batchId batch id (>= 1)
 * @param readingId the API's reading id, or -1 when absent
 * @param leaf the bundle's leaf hash (32 bytes) or null
 * @param proof sibling hashes from the leaf up (reading-format SPEC §5.2), 32 bytes each
 * @param merkleRoot the bundle's root, 32 bytes
 * @param message the signed message (the length is checked by the checks, not here)
 * @param signature the raw r||s signature
 * @param publicKey the bundle's device key (64 bytes X||Y) or null
 */
public record ProofBundle(long batchId, long readingId, byte[] leaf, List<byte[]> proof, byte[] merkleRoot,
        byte[] message, byte[] signature, byte[] publicKey) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Parses a bundle.
     *
     * @param json the JSON text
     * @return the bundle
     * @throws InputException malformed JSON, a missing or mistyped field, bad hex, a hash not 32 bytes
     */
    public static ProofBundle parse(String json) throws InputException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InputException("the bundle is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InputException("the bundle is not a JSON object");
        }
        JsonNode batch = required(root, "batch_id");
        if (!batch.canConvertToLong() || !batch.isIntegralNumber() || batch.asLong() < 1) {
            throw new InputException("batch_id: expected a positive integer, got " + batch);
        }
        JsonNode reading = root.path("reading_id");
        long readingId = reading.isIntegralNumber() ? reading.asLong() : -1;
        JsonNode proofNode = required(root, "proof");
        if (!proofNode.isArray()) {
            throw new InputException("proof: expected an array of 32-byte hex hashes");
        }
        List<byte[]> proof = new ArrayList<>();
        for (int i = 0; i < proofNode.size(); i++) {
            proof.add(hash("proof[" + i + "]", proofNode.get(i)));
        }
        return new ProofBundle(batch.asLong(), readingId, optionalHash(root, "leaf"), List.copyOf(proof),
                hash("merkle_root", required(root, "merkle_root")), hex("message", required(root, "message")),
                hex("signature", required(root, "signature")), optionalKey(root));
    }

    private static JsonNode required(JsonNode root, String field) throws InputException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new InputException(field + ": missing from the bundle");
        }
        return node;
    }

    private static byte[] optionalHash(JsonNode root, String field) throws InputException {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? null : hash(field, node);
    }

    private static byte[] optionalKey(JsonNode root) throws InputException {
        JsonNode node = root.get("public_key");
        if (node == null || node.isNull() || node.asText().isBlank()) {
            return null;
        }
        byte[] key = hex("public_key", node);
        if (key.length != 64) {
            throw new InputException("public_key: expected 64 bytes X||Y, got " + key.length);
        }
        return key;
    }

    private static byte[] hash(String field, JsonNode node) throws InputException {
        byte[] value = hex(field, node);
        if (value.length != 32) {
            throw new InputException(field + ": expected a 32-byte hash, got " + value.length + " bytes");
        }
        return value;
    }

    /**
     * @param field field name for the message
     * @param node a JSON string of hex digits, optionally 0x-prefixed
     * @return the bytes
     * @throws InputException not a string or not hex
     */
    static byte[] hex(String field, JsonNode node) throws InputException {
        if (!node.isTextual()) {
            throw new InputException(field + ": expected a hex string, got " + node.getNodeType());
        }
        try {
            return Hex.decode(strip0x(node.asText().trim()));
        } catch (IllegalArgumentException e) {
            throw new InputException(field + ": " + e.getMessage());
        }
    }

    /** @param hex hex text @return the text without a leading {@code 0x} or {@code 0X} */
    public static String strip0x(String hex) {
        return hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
    }
}
