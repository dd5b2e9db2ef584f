package io.wattwitness.reading;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {

    private static List<byte[]> leaves(int n) {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            leaves.add(MerkleTree.keccak256(("leaf " + i).getBytes(StandardCharsets.US_ASCII)));
        }
        return leaves;
    }

    @Test
    void keccakIsTheEvmVariant() {
        assertEquals("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
                Hex.encode(MerkleTree.keccak256(new byte[0])));
    }

    @Test
    void everyProofVerifiesForEverySizeUpTo64() {
        for (int n = 1; n <= 64; n++) {
            List<byte[]> leaves = leaves(n);
            MerkleTree tree = MerkleTree.of(leaves);
            assertEquals(n, tree.size());
            for (int i = 0; i < n; i++) {
                List<byte[]> proof = tree.proof(i);
                assertTrue(MerkleTree.verify(proof, tree.root(), leaves.get(i)), n + "/" + i);
                int other = (i + 1) % n;
                if (other != i) {
                    assertFalse(MerkleTree.verify(proof, tree.root(), leaves.get(other)), n + "/" + i + " other");
                }
            }
        }
    }

    @Test
    void unpairedNodeIsCarriedUpUnchanged() {
        List<byte[]> leaves = leaves(3);
        byte[] expected = MerkleTree.hashPair(MerkleTree.hashPair(leaves.get(0), leaves.get(1)), leaves.get(2));
        MerkleTree tree = MerkleTree.of(leaves);
        assertArrayEquals(expected, tree.root());
        assertEquals(1, tree.proof(2).size());
        assertArrayEquals(leaves.get(0), MerkleTree.of(leaves.subList(0, 1)).root());
    }

    @Test
    void pairHashIsCommutative() {
        List<byte[]> leaves = leaves(2);
        assertArrayEquals(MerkleTree.hashPair(leaves.get(0), leaves.get(1)),
                MerkleTree.hashPair(leaves.get(1), leaves.get(0)));
    }

    @Test
    void refusesEmptyTreesAndBadLeaves() {
        assertThrows(IllegalArgumentException.class, () -> MerkleTree.of(List.of()));
        assertThrows(IllegalArgumentException.class, () -> MerkleTree.of(List.of(new byte[31])));
        assertThrows(IndexOutOfBoundsException.class, () -> MerkleTree.of(leaves(2)).proof(2));
    }
}
