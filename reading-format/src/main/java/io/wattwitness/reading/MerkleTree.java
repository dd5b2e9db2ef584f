package io.wattwitness.reading;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.crypto.digests.KeccakDigest;

/**
 * The anchoring Merkle tree (SPEC.md §5), compatible with OpenZeppelin {@code MerkleProof.verify}:
 * <ul>
 *   <li>leaf = keccak256(keccak256(message ‖ low-S signature)), 32 bytes;</li>
 *   <li>parent = keccak256(min(a, b) ‖ max(a, b)), children compared as unsigned big-endian bytes;</li>
 *   <li>leaves stay in batch order; an unpaired last node of a level is carried up unchanged.</li>
 * </ul>
 * Immutable once built; an empty tree is refused.
 */
public final class MerkleTree {

    private final List<byte[][]> levels;

    private MerkleTree(List<byte[][]> levels) {
        this.levels = levels;
    }

    /**
     * Builds the tree over leaf hashes.
     *
     * @param leaves leaf hashes (32 bytes each) in batch order, at least one
     * @return the tree
     * @throws IllegalArgumentException if there are no leaves or a leaf is not 32 bytes
     */
    public static MerkleTree of(List<byte[]> leaves) {
        if (leaves.isEmpty()) {
            throw new IllegalArgumentException("a Merkle tree needs at least one leaf");
        }
        List<byte[][]> levels = new ArrayList<>();
        byte[][] level = new byte[leaves.size()][];
        for (int i = 0; i < level.length; i++) {
            if (leaves.get(i).length != 32) {
                throw new IllegalArgumentException("leaf " + i + " is not 32 bytes");
            }
            level[i] = leaves.get(i).clone();
        }
        levels.add(level);
        while (level.length > 1) {
            byte[][] next = new byte[(level.length + 1) / 2][];
            for (int i = 0; i < next.length; i++) {
                int left = 2 * i;
                next[i] = left + 1 < level.length ? hashPair(level[left], level[left + 1]) : level[left];
            }
            levels.add(next);
            level = next;
        }
        return new MerkleTree(levels);
    }

    /**
     * Leaf hash of a reading (SPEC.md §5.1).
     *
     * @param message the 52-byte message
     * @param lowSSignature the low-S raw signature, 64 bytes
     * @return keccak256(keccak256(message ‖ signature)), 32 bytes
     */
    public static byte[] leaf(byte[] message, byte[] lowSSignature) {
        byte[] joined = new byte[message.length + lowSSignature.length];
        System.arraycopy(message, 0, joined, 0, message.length);
        System.arraycopy(lowSSignature, 0, joined, message.length, lowSSignature.length);
        return keccak256(keccak256(joined));
    }

    /**
     * The commutative parent hash (SPEC.md §5.2).
     *
     * @param a a 32-byte node
     * @param b a 32-byte node
     * @return keccak256 of the two, smaller first
     */
    public static byte[] hashPair(byte[] a, byte[] b) {
        byte[] joined = new byte[64];
        boolean aFirst = Arrays.compareUnsigned(a, b) <= 0;
        System.arraycopy(aFirst ? a : b, 0, joined, 0, 32);
        System.arraycopy(aFirst ? b : a, 0, joined, 32, 32);
        return keccak256(joined);
    }

    /**
     * Keccak-256 as used by the EVM (not NIST SHA3-256).
     *
     * @param data any bytes
     * @return 32 bytes
     */
    public static byte[] keccak256(byte[] data) {
        KeccakDigest digest = new KeccakDigest(256);
        digest.update(data, 0, data.length);
        byte[] out = new byte[32];
        digest.doFinal(out, 0);
        return out;
    }

    /** @return the Merkle root, 32 bytes (the single leaf itself for a one-leaf tree) */
    public byte[] root() {
        return levels.get(levels.size() - 1)[0].clone();
    }

    /** @return the number of leaves */
    public int size() {
        return levels.get(0).length;
    }

    /**
     * The proof for one leaf: sibling hashes from the leaf level up, levels where the node is unpaired omitted.
     *
     * @param index the leaf's position in batch order, 0-based
     * @return the sibling hashes, 32 bytes each (empty for a one-leaf tree)
     * @throws IndexOutOfBoundsException if index is not a leaf position
     */
    public List<byte[]> proof(int index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException("no leaf " + index + " in a tree of " + size());
        }
        List<byte[]> proof = new ArrayList<>();
        int position = index;
        for (int depth = 0; depth < levels.size() - 1; depth++) {
            byte[][] level = levels.get(depth);
            int sibling = position ^ 1;
            if (sibling < level.length) {
                proof.add(level[sibling].clone());
            }
            position /= 2;
        }
        return proof;
    }

    /**
     * Checks a proof the way OpenZeppelin {@code MerkleProof.verify} does.
     *
     * @param proof sibling hashes, 32 bytes each
     * @param root the expected root
     * @param leaf the leaf hash
     * @return whether folding the proof over the leaf gives the root
     */
    public static boolean verify(List<byte[]> proof, byte[] root, byte[] leaf) {
        byte[] computed = leaf;
        for (byte[] sibling : proof) {
            computed = hashPair(computed, sibling);
        }
        return Arrays.equals(computed, root);
    }
}
