package io.wattwitness.chainlistener.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BlockRangePlannerTest {

    @Test
    void firstRangeStartsAtBlockZeroBeforeAnything() {
        assertEquals(Optional.of(new BlockRange(0, 2047)), new BlockRangePlanner(2048).next(-1, 10_000));
    }

    @Test
    void lastRangeStopsAtTarget() {
        assertEquals(Optional.of(new BlockRange(101, 103)), new BlockRangePlanner(5).next(100, 103));
    }

    @Test
    void caughtUpGivesNothing() {
        BlockRangePlanner planner = new BlockRangePlanner(5);
        assertTrue(planner.next(103, 103).isEmpty());
        assertTrue(planner.next(110, 103).isEmpty(), "target below the cursor (node behind): nothing to scan");
        assertTrue(planner.next(-1, -1).isEmpty());
    }

    @Test
    void longGapIsCoveredContiguouslyWithoutOverlap() {
        BlockRangePlanner planner = new BlockRangePlanner(5);
        List<BlockRange> ranges = new ArrayList<>();
        long cursor = 6;
        Optional<BlockRange> next;
        while ((next = planner.next(cursor, 30)).isPresent()) {
            ranges.add(next.get());
            cursor = next.get().to();
        }
        assertEquals(List.of(new BlockRange(7, 11), new BlockRange(12, 16), new BlockRange(17, 21),
                new BlockRange(22, 26), new BlockRange(27, 30)), ranges);
    }

    @Test
    void rangeSizeOneScansBlockByBlock() {
        assertEquals(Optional.of(new BlockRange(8, 8)), new BlockRangePlanner(1).next(7, 100));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new BlockRangePlanner(0));
        assertThrows(IllegalArgumentException.class, () -> new BlockRangePlanner(5).next(-2, 10));
        assertThrows(IllegalArgumentException.class, () -> new BlockRange(5, 4));
    }
}
