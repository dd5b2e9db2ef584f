package io.wattwitness.chainlistener.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * In-memory chain for unit tests: a hash-linked list of blocks, events per block, forks and outages. Hashes are
 * "0x" + fork id (2 hex) + block number (62 hex), so every fork gives different hashes.
 */
final class FakeChain implements ChainReader {

    private final List<BlockRef> blocks = new ArrayList<>();
    private final List<List<AnchorEvent>> events = new ArrayList<>();
    private int fork;
    private long finalityLag = 2;
    private boolean finalizedSupported = true;
    private boolean down;
    private int genesisFork;
    int getLogsCalls;

    FakeChain() {
        addBlock(List.of());
    }

    static String hash(int fork, long number) {
        return String.format("0x%02x%062x", fork, number);
    }

    long headNumber() {
        return blocks.size() - 1;
    }

    /** Mines empty blocks. */
    FakeChain mine(int count) {
        for (int i = 0; i < count; i++) {
            addBlock(List.of());
        }
        return this;
    }

    /** Mines one block anchoring a batch; returns its block number. */
    long anchor(long batchId, String root) {
        long number = blocks.size();
        String tx = String.format("0x%02x%062x", fork, 1_000_000 + batchId);
        addBlock(List.of(new BatchAnchoredEvent(batchId, root, 3, 1_767_225_600L, 1_767_225_630L,
                "0x" + "1".repeat(64), new EventPosition(tx, number, hash(fork, number), 0))));
        return number;
    }

    /** Drops the blocks above {@code keep} and continues on a new fork. */
    void reorgAbove(long keep, int newFork) {
        while (blocks.size() - 1 > keep) {
            blocks.remove(blocks.size() - 1);
            events.remove(events.size() - 1);
        }
        fork = newFork;
    }

    /** A brand new chain (fresh devnet) of {@code length} blocks. */
    void reset(int newFork, int length) {
        blocks.clear();
        events.clear();
        fork = newFork;
        genesisFork = newFork;
        addBlock(List.of());
        mine(length - 1);
    }

    void finalityLag(long lag) {
        this.finalityLag = lag;
    }

    void finalizedSupported(boolean supported) {
        this.finalizedSupported = supported;
    }

    void down(boolean isDown) {
        this.down = isDown;
    }

    private void addBlock(List<AnchorEvent> blockEvents) {
        long number = blocks.size();
        String parent = number == 0 ? "0x" + "0".repeat(64) : blocks.get((int) number - 1).hash();
        int blockFork = number == 0 ? genesisFork : fork;
        blocks.add(new BlockRef(number, hash(blockFork, number), parent));
        events.add(new ArrayList<>(blockEvents));
    }

    private void checkUp() {
        if (down) {
            throw new TransientFailure("RPC eth_call failed: connection refused");
        }
    }

    @Override
    public long chainId() {
        checkUp();
        return 43113;
    }

    @Override
    public BlockRef head() {
        checkUp();
        return blocks.get(blocks.size() - 1);
    }

    @Override
    public Optional<BlockRef> finalized() {
        checkUp();
        if (!finalizedSupported) {
            return Optional.empty();
        }
        return Optional.of(blocks.get((int) Math.max(0, blocks.size() - 1 - finalityLag)));
    }

    @Override
    public Optional<BlockRef> block(long number) {
        checkUp();
        return number >= 0 && number < blocks.size() ? Optional.of(blocks.get((int) number)) : Optional.empty();
    }

    @Override
    public List<AnchorEvent> events(BlockRange range) {
        checkUp();
        getLogsCalls++;
        List<AnchorEvent> result = new ArrayList<>();
        for (long n = range.from(); n <= range.to() && n < blocks.size(); n++) {
            result.addAll(events.get((int) n));
        }
        return result;
    }
}
