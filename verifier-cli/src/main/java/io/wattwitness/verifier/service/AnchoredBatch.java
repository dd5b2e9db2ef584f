package io.wattwitness.verifier.service;

/**
 * A batch as the anchoring contract holds it ({@code WattWitnessAnchor.getBatch}).
 *
 * @param merkleRoot the anchored root, 32 bytes
 * @param readingCount readings in the batch
 * @param anchoredAt block time of anchoring, Unix s
 */
public record AnchoredBatch(byte[] merkleRoot, long readingCount, long anchoredAt) {
}
