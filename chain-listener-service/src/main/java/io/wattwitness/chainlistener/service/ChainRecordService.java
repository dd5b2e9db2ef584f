package io.wattwitness.chainlistener.service;

import io.wattwitness.chainlistener.repository.BatchRecordEntity;
import io.wattwitness.chainlistener.repository.BatchRecordRepository;
import io.wattwitness.chainlistener.repository.CheckpointEntity;
import io.wattwitness.chainlistener.repository.CheckpointRepository;
import io.wattwitness.chainlistener.repository.CursorEntity;
import io.wattwitness.chainlistener.repository.CursorRepository;
import io.wattwitness.chainlistener.repository.KeyEventEntity;
import io.wattwitness.chainlistener.repository.KeyEventRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The listener's durable state (schema V10): cursor, checkpoints, batch outcomes and key events.
 *
 * <p>Blocking (Hibernate ORM over JDBC), like the rest of the listener: every method runs in its own transaction on
 * the calling worker thread (the poll's or a REST worker's). Database failures propagate as they are; the poll that
 * met one is retried after a back-off.
 */
@ApplicationScoped
@Transactional
public class ChainRecordService {

    private final CursorRepository cursors;
    private final CheckpointRepository checkpoints;
    private final BatchRecordRepository batches;
    private final KeyEventRepository keyEvents;

    public ChainRecordService(CursorRepository cursors, CheckpointRepository checkpoints,
            BatchRecordRepository batches, KeyEventRepository keyEvents) {
        this.cursors = cursors;
        this.checkpoints = checkpoints;
        this.batches = batches;
        this.keyEvents = keyEvents;
    }

    /** The cursor of a scope, null when never started. */
    public CursorEntity cursor(String scope) {
        return cursors.findByScope(scope);
    }

    /** Stores a fresh cursor and forgets the scope's checkpoints and records (new scope or reset chain). */
    public void reset(ChainCursor cursor) {
        checkpoints.deleteScope(cursor.scope());
        batches.deleteScope(cursor.scope());
        keyEvents.deleteScope(cursor.scope());
        CursorEntity existing = cursors.findByScope(cursor.scope());
        CursorEntity row = existing == null ? new CursorEntity() : existing;
        row.scope = cursor.scope();
        row.chainId = cursor.chainId();
        row.contractAddress = cursor.contractAddress();
        row.genesisHash = cursor.genesisHash();
        row.blockNumber = cursor.blockNumber();
        row.blockHash = cursor.blockHash();
        row.updatedAt = OffsetDateTime.now();
        cursors.persist(row);
    }

    /** Moves the cursor forward to a processed block, keeps it as a checkpoint and prunes old checkpoints. */
    public void advance(String scope, BlockRef block, int history) {
        CursorEntity row = requireCursor(scope);
        row.blockNumber = block.number();
        row.blockHash = block.hash();
        row.updatedAt = OffsetDateTime.now();
        CheckpointEntity existing = checkpoints.findAt(scope, block.number());
        CheckpointEntity checkpoint = existing == null ? new CheckpointEntity() : existing;
        checkpoint.scope = scope;
        checkpoint.blockNumber = block.number();
        checkpoint.blockHash = block.hash();
        checkpoints.persist(checkpoint);
        checkpoints.flush();
        checkpoints.prune(scope, history);
    }

    /** Checkpoints of a scope, newest first. */
    public List<CheckpointEntity> checkpoints(String scope) {
        return checkpoints.listByScope(scope);
    }

    /** Moves the cursor back and forgets everything recorded above the new position. */
    public void rewind(String scope, long number, String hash) {
        CursorEntity row = requireCursor(scope);
        row.blockNumber = number;
        row.blockHash = hash;
        row.updatedAt = OffsetDateTime.now();
        checkpoints.deleteAbove(scope, number);
        batches.deleteAbove(scope, number);
        keyEvents.deleteAbove(scope, number);
    }

    /** Batch records above a block number (what a rewind to it will forget). */
    public List<BatchRecordEntity> batchesAbove(String scope, long number) {
        return batches.above(scope, number);
    }

    /** The record of a batch, null when not handled yet. */
    public BatchRecordEntity batch(String scope, long batchId) {
        return batches.findBatch(scope, batchId);
    }

    /** Stores the outcome of a BatchAnchored event, replacing an older record of the same batch id. */
    public void recordBatch(String scope, BatchAnchoredEvent event, String sealedRoot,
            BatchRecordEntity.Status status, Integer markedCount) {
        BatchRecordEntity existing = batches.findBatch(scope, event.batchId());
        BatchRecordEntity row = existing == null ? new BatchRecordEntity() : existing;
        row.scope = scope;
        row.batchId = event.batchId();
        row.onchainRoot = event.merkleRoot();
        row.sealedRoot = sealedRoot;
        row.readingCount = Math.toIntExact(event.readingCount());
        row.firstReadingTime = event.firstReadingTime();
        row.lastReadingTime = event.lastReadingTime();
        row.workflowId = event.workflowId();
        row.txHash = event.position().txHash();
        row.blockNumber = event.position().blockNumber();
        row.blockHash = event.position().blockHash();
        row.logIndex = event.position().logIndex();
        row.status = status;
        row.markedCount = markedCount;
        row.handledAt = OffsetDateTime.now();
        batches.persist(row);
    }

    /** Number of batches of a scope anchored with a root that differs from the sealed one. */
    public long openMismatches(String scope) {
        return batches.countByStatus(scope, BatchRecordEntity.Status.ROOT_MISMATCH);
    }

    /** Newest batch records of a scope. */
    public List<BatchRecordEntity> recentBatches(String scope, int limit) {
        return batches.recent(scope, limit);
    }

    /**
     * Stores a key event once per log position.
     *
     * @return true when it was new
     */
    public boolean recordKeyEvent(String scope, InstallationKeyEvent event) {
        EventPosition position = event.position();
        KeyEventEntity existing = keyEvents.findAt(scope, position.blockNumber(), position.logIndex());
        if (existing != null && existing.blockHash.equals(position.blockHash())) {
            return false;
        }
        KeyEventEntity row = existing == null ? new KeyEventEntity() : existing;
        row.scope = scope;
        row.kind = event.kind();
        row.installationId = event.installationId();
        row.deviceId = event.deviceId();
        row.previousDeviceId = event.previousDeviceId();
        row.meterId = event.meterId();
        row.publicKey = event.publicKey();
        row.txHash = position.txHash();
        row.blockNumber = position.blockNumber();
        row.blockHash = position.blockHash();
        row.logIndex = position.logIndex();
        row.recordedAt = OffsetDateTime.now();
        keyEvents.persist(row);
        return true;
    }

    /** Key events of a scope in chain order, optionally of one installation. */
    public List<KeyEventEntity> keyEvents(String scope, Long installationId, int limit) {
        return keyEvents.listByScope(scope, installationId, limit);
    }

    private CursorEntity requireCursor(String scope) {
        CursorEntity row = cursors.findByScope(scope);
        if (row == null) {
            throw new IllegalStateException("no cursor for scope " + scope);
        }
        return row;
    }
}
