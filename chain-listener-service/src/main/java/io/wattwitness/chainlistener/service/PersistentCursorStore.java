package io.wattwitness.chainlistener.service;

import io.quarkus.logging.Log;
import io.wattwitness.chainlistener.repository.CursorEntity;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/** {@link CursorStore} in PostgreSQL (through {@link ChainRecordService}), for the blocking listener thread. */
@ApplicationScoped
public class PersistentCursorStore implements CursorStore {

    private final ChainRecordService records;

    public PersistentCursorStore(ChainRecordService records) {
        this.records = records;
    }

    @Override
    public Optional<ChainCursor> load(String scope) {
        CursorEntity row = records.cursor(scope);
        if (row == null) {
            return Optional.empty();
        }
        return Optional.of(new ChainCursor(row.scope, row.chainId, row.contractAddress, row.genesisHash,
                row.blockNumber, row.blockHash));
    }

    @Override
    public void reset(ChainCursor cursor) {
        records.reset(cursor);
    }

    @Override
    public void advance(String scope, BlockRef block, int history) {
        records.advance(scope, block, history);
    }

    @Override
    public List<BlockRef> checkpoints(String scope) {
        return records.checkpoints(scope).stream()
                .map(row -> new BlockRef(row.blockNumber, row.blockHash, null))
                .toList();
    }

    @Override
    public void rewind(String scope, long number, String hash) {
        List<Long> orphaned = records.batchesAbove(scope, number).stream().map(row -> row.batchId).toList();
        if (!orphaned.isEmpty()) {
            Log.warnf("Rewinding %s to block %d: batches %s were anchored in blocks that left the canonical chain; "
                    + "they are checked and marked again when their new BatchAnchored events are read", scope,
                    number, orphaned);
        }
        records.rewind(scope, number, hash);
    }
}
