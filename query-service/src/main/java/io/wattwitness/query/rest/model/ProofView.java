package io.wattwitness.query.rest.model;

import java.util.List;

/**
 * @param batchId batch
 * @param readingId reading
 * @param index leaf position
 * @param leaf 0x + 64 hex
 * @param proof sibling hashes, leaf level first
 * @param merkleRoot 0x + 64 hex
 * @param message 104 hex
 * @param signature 128 hex
 * @param publicKey 128 hex
 * @param deviceId 16 hex
 */
public record ProofView(long batchId, long readingId, int index, String leaf, List<String> proof, String merkleRoot,
        String message, String signature, String publicKey, String deviceId) {
}
