package io.wattwitness.chainlistener.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

class ReorgDetectorTest {

    private static final String A10 = "0x" + "a".repeat(62) + "10";
    private static final String A20 = "0x" + "a".repeat(62) + "20";
    private static final String A30 = "0x" + "a".repeat(62) + "30";
    private static final String B20 = "0x" + "b".repeat(62) + "20";
    private static final String B30 = "0x" + "b".repeat(62) + "30";

    private final ReorgDetector detector = new ReorgDetector();
    private final List<BlockRef> stored = List.of(new BlockRef(10, A10, null), new BlockRef(30, A30, null),
            new BlockRef(20, A20, null));

    private static LongFunction<Optional<String>> chain(Map<Long, String> hashes) {
        return number -> Optional.ofNullable(hashes.get(number));
    }

    @Test
    void unchangedChainKeepsTheNewestCheckpoint() {
        LongFunction<Optional<String>> canonical = chain(Map.of(10L, A10, 20L, A20, 30L, A30));
        assertTrue(detector.isCanonical(new BlockRef(30, A30, null), canonical));
        assertEquals(Optional.of(new BlockRef(30, A30, null)), detector.commonAncestor(stored, canonical));
    }

    @Test
    void forkBetweenCheckpointsRewindsToTheLastSharedOne() {
        LongFunction<Optional<String>> canonical = chain(Map.of(10L, A10, 20L, B20, 30L, B30));
        assertFalse(detector.isCanonical(new BlockRef(30, A30, null), canonical));
        assertEquals(Optional.of(new BlockRef(10, A10, null)), detector.commonAncestor(stored, canonical));
    }

    @Test
    void shorterChainCountsAsNotCanonicalAbove() {
        LongFunction<Optional<String>> canonical = chain(Map.of(10L, A10, 20L, A20));
        assertEquals(Optional.of(new BlockRef(20, A20, null)), detector.commonAncestor(stored, canonical));
    }

    @Test
    void hashComparisonIgnoresCase() {
        LongFunction<Optional<String>> canonical = chain(Map.of(30L, A30.toUpperCase().replace("0X", "0x")));
        assertTrue(detector.isCanonical(new BlockRef(30, A30, null), canonical));
    }

    @Test
    void reorgDeeperThanHistoryHasNoAncestor() {
        LongFunction<Optional<String>> canonical = chain(Map.of(10L, B20, 20L, B20, 30L, B30));
        assertTrue(detector.commonAncestor(stored, canonical).isEmpty());
        assertTrue(detector.commonAncestor(List.of(), canonical).isEmpty());
    }
}
