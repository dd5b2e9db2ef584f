package io.wattwitness.reading;

/**
 * A reading whose signature verified (result of {@link ReadingVerifier#verify}).
 *
 * @param reading the decoded fields
 * @param message the 52 signed bytes
 * @param lowSSignature the signature in low-S form, 64 bytes: the form stored and hashed into Merkle leaves
 * @param wasHighS whether the device sent the high-S form
 */
public record VerifiedReading(ReadingMessage reading, byte[] message, byte[] lowSSignature, boolean wasHighS) {
}
