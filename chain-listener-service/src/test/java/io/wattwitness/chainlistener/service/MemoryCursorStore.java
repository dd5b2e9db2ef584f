package io.wattwitness.chainlistener.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link CursorStore} in memory for unit tests; survives {@link ChainSync} re-creation like the database does. */
final class MemoryCursorStore implements CursorStore {

    private final Map<String, ChainCursor> cursors = new HashMap<>();
    private final Map<String, List<BlockRef>> checkpoints = new HashMap<>();
    final List<Long> rewinds = new ArrayList<>();
    int resets;

    @Override
    public Optional<ChainCursor> load(String scope) {
        return Optional.ofNullable(cursors.get(scope));
    }

    @Override
    public void reset(ChainCursor cursor) {
        resets++;
        cursors.put(cursor.scope(), cursor);
        checkpoints.put(cursor.scope(), new ArrayList<>());
    }

    @Override
    public void advance(String scope, BlockRef block, int history) {
        cursors.put(scope, cursors.get(scope).at(block.number(), block.hash()));
        List<BlockRef> list = checkpoints.computeIfAbsent(scope, s -> new ArrayList<>());
        list.add(new BlockRef(block.number(), block.hash(), null));
        while (list.size() > history) {
            list.remove(0);
        }
    }

    @Override
    public List<BlockRef> checkpoints(String scope) {
        return List.copyOf(checkpoints.getOrDefault(scope, List.of()));
    }

    @Override
    public void rewind(String scope, long number, String hash) {
        rewinds.add(number);
        cursors.put(scope, cursors.get(scope).at(number, hash));
        checkpoints.get(scope).removeIf(checkpoint -> checkpoint.number() > number);
    }

    ChainCursor cursor(String scope) {
        return cursors.get(scope);
    }
}
