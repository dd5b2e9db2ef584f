package io.wattwitness.verifier.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.wattwitness.reading.Hex;
import org.junit.jupiter.api.Test;

class ProofBundleTest {

    @Test
    void parsesTheProofEndpointsJsonOfVectorBatchOf3Leaf1() throws InputException {
        ProofBundle bundle = ProofBundle.parse(Vectors.bundleJson("batch-of-3", 1, 3));

        assertEquals(3, bundle.batchId());
        assertEquals(101, bundle.readingId());
        assertEquals("d766990855f7868655a22b3e351ac1c9ee7882c24e6ddb8d4a6aac99cce524e2", Hex.encode(bundle.leaf()));
        assertEquals(2, bundle.proof().size());
        assertEquals("f2955d32bc8c3164cffd6a11744e8d41cb7bd7cd510e28e331822883330e5862",
                Hex.encode(bundle.proof().get(0)));
        assertEquals("a9867bd1b7f9bb3142efe54e45d20c7ceff45ef2bf1b439b899fe6874af060e9",
                Hex.encode(bundle.proof().get(1)));
        assertEquals("be3585c40ba1c1fe9b77f5b3e9fb8f2f8194bab0a0ca52d9a1030804170ed414",
                Hex.encode(bundle.merkleRoot()));
        assertEquals("5757520139bbdb115a7d41cb34945a1b2c3d00000003000000010000019b76dacf1000000000000f462800000000004c561a0001",
                Hex.encode(bundle.message()));
        assertEquals(64, bundle.signature().length);
        assertEquals("b98d569ba71845f1", Hex.encode(bundle.publicKey()).substring(0, 16));
    }

    @Test
    void acceptsHexWithoutPrefixAndANullKey() throws InputException {
        ProofBundle bundle = ProofBundle.parse("{\"batch_id\":1,\"proof\":[],\"merkle_root\":\"" + "ab".repeat(32)
                + "\",\"message\":\"0x0102\",\"signature\":\"0A0b\",\"public_key\":null}");

        assertEquals(-1, bundle.readingId());
        assertNull(bundle.leaf());
        assertNull(bundle.publicKey());
        assertArrayEquals(new byte[] {1, 2}, bundle.message());
        assertArrayEquals(new byte[] {10, 11}, bundle.signature());
        assertEquals(0, bundle.proof().size());
    }

    @Test
    void refusesMalformedJson() {
        InputException e = assertThrows(InputException.class, () -> ProofBundle.parse("{\"batch_id\": 1,"));
        assertEquals("the bundle is not valid JSON: Unexpected end-of-input within/between Object entries",
                e.getMessage());
    }

    @Test
    void namesTheMissingField() {
        InputException e = assertThrows(InputException.class, () -> ProofBundle.parse(
                "{\"batch_id\":1,\"proof\":[],\"message\":\"00\",\"signature\":\"00\"}"));
        assertEquals("merkle_root: missing from the bundle", e.getMessage());
    }

    @Test
    void refusesASiblingThatIsNot32Bytes() {
        InputException e = assertThrows(InputException.class, () -> ProofBundle.parse("{\"batch_id\":1,\"proof\":[\"0x"
                + "ab".repeat(31) + "\"],\"merkle_root\":\"" + "ab".repeat(32)
                + "\",\"message\":\"00\",\"signature\":\"00\"}"));
        assertEquals("proof[0]: expected a 32-byte hash, got 31 bytes", e.getMessage());
    }

    @Test
    void refusesBadHexAndABadBatchId() {
        assertEquals("message: not a hex digit at position 1", assertThrows(InputException.class,
                () -> ProofBundle.parse("{\"batch_id\":1,\"proof\":[],\"merkle_root\":\"" + "ab".repeat(32)
                        + "\",\"message\":\"0z\",\"signature\":\"00\"}")).getMessage());
        assertEquals("batch_id: expected a positive integer, got \"7\"", assertThrows(InputException.class,
                () -> ProofBundle.parse("{\"batch_id\":\"7\"}")).getMessage());
        assertEquals("the bundle is not a JSON object", assertThrows(InputException.class,
                () -> ProofBundle.parse("[1]")).getMessage());
    }
}
