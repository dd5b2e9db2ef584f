package io.wattwitness.chainlistener.service;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.wattwitness.chainlistener.repository.BatchRecordEntity;
import io.wattwitness.chainlistener.repository.BatchRecordRepository;
import io.wattwitness.chainlistener.repository.CheckpointEntity;
import io.wattwitness.chainlistener.repository.CheckpointRepository;
import io.wattwitness.chainlistener.repository.CursorEntity;
import io.wattwitness.chainlistener.repository.CursorRepository;
import io.wattwitness.chainlistener.repository.KeyEventEntity;
import io.wattwitness.chainlistener.repository.KeyEventRepository;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;

/** The listener's durable state (schema V10): cursor, checkpoints, batch outcomes and key events. */
@ApplicationScoped
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
    @WithSession
    public Uni<CursorEntity> cursor(String scope) {
        return cursors.findByScope(scope);
    }

    /** Stores a fresh cursor and forgets the scope's checkpoints and records (new scope or reset chain). */
    @WithTransaction
    public Uni<Void> reset(ChainCursor cursor) {
        return checkpoints.deleteScope(cursor.scope())
                .chain(() -> batches.deleteScope(cursor.scope()))
                .chain(() -> keyEvents.deleteScope(cursor.scope()))
                .chain(() -> cursors.findByScope(cursor.scope()))
                .chain(existing -> {
                    CursorEntity row = existing == null ? new CursorEntity() : existing;
                    row.scope = cursor.scope();
                    row.chainId = cursor.chainId();
                    row.contractAddress = cursor.contractAddress();
                    row.genesisHash = cursor.genesisHash();
                    row.blockNumber = cursor.blockNumber();
                    row.blockHash = cursor.blockHash();
                    row.updatedAt = OffsetDateTime.now();
                    return cursors.persist(row);
                })
                .replaceWithVoid();
    }

    /** Moves the cursor forward to a processed block, keeps it as a checkpoint and prunes old checkpoints. */
    @WithTransaction
    public Uni<Void> advance(String scope, BlockRef block, int history) {
        return requireCursor(scope)
                .invoke(row -> {
                    row.blockNumber = block.number();
                    row.blockHash = block.hash();
                    row.updatedAt = OffsetDateTime.now();
                })
                .chain(() -> checkpoints.findAt(scope, block.number()))
                .chain(existing -> {
                    CheckpointEntity checkpoint = existing == null ? new CheckpointEntity() : existing;
                    checkpoint.scope = scope;
                    checkpoint.blockNumber = block.number();
                    checkpoint.blockHash = block.hash();
                    return checkpoints.persist(checkpoint);
                })
                .chain(() -> checkpoints.prune(scope, history))
                .replaceWithVoid();
    }

    /** Checkpoints of a scope, newest first. */
    @WithSession
    public Uni<List<CheckpointEntity>> checkpoints(String scope) {
        return checkpoints.listByScope(scope);
    }

    /** Moves the cursor back and forgets everything recorded above the new position. */
    @WithTransaction
    public Uni<Void> rewind(String scope, long number, String hash) {
        return requireCursor(scope)
                .invoke(row -> {
                    row.blockNumber = number;
                    row.blockHash = hash;
                    row.updatedAt = OffsetDateTime.now();
                })
                .chain(() -> checkpoints.deleteAbove(scope, number))
                .chain(() -> batches.deleteAbove(scope, number))
                .chain(() -> keyEvents.deleteAbove(scope, number))
                .replaceWithVoid();
    }

    /** Batch records above a block number (what a rewind to it will forget). */
    @WithSession
    public Uni<List<BatchRecordEntity>> batchesAbove(String scope, long number) {
        return batches.above(scope, number);
    }

    /** The record of a batch, null when not handled yet. */
    @WithSession
    public Uni<BatchRecordEntity> batch(String scope, long batchId) {
        return batches.findBatch(scope, batchId);
    }

    /** Stores the outcome of a BatchAnchored event, replacing an older record of the same batch id. */
    @WithTransaction
    public Uni<Void> recordBatch(String scope, BatchAnchoredEvent event, String sealedRoot,
            BatchRecordEntity.Status status, Integer markedCount) {
        return batches.findBatch(scope, event.batchId())
                .chain(existing -> {
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
                    return batches.persist(row);
                })
                .replaceWithVoid();
    }

    /** Number of batches of a scope anchored with a root that differs from the sealed one. */
    @WithSession
    public Uni<Long> openMismatches(String scope) {
        return batches.countByStatus(scope, BatchRecordEntity.Status.ROOT_MISMATCH);
    }

    /** Newest batch records of a scope. */
    @WithSession
    public Uni<List<BatchRecordEntity>> recentBatches(String scope, int limit) {
        return batches.recent(scope, limit);
    }

    /**
     * Stores a key event once per log position.
     *
     * @return true when it was new
     */
    @WithTransaction
    public Uni<Boolean> recordKeyEvent(String scope, InstallationKeyEvent event) {
        EventPosition position = event.position();
        return keyEvents.findAt(scope, position.blockNumber(), position.logIndex())
                .chain(existing -> {
                    if (existing != null && existing.blockHash.equals(position.blockHash())) {
                        return Uni.createFrom().item(false);
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
                    return keyEvents.persist(row).replaceWith(true);
                });
    }

    /** Key events of a scope in chain order, optionally of one installation. */
    @WithSession
    public Uni<List<KeyEventEntity>> keyEvents(String scope, Long installationId, int limit) {
        return keyEvents.listByScope(scope, installationId, limit);
    }

    private Uni<CursorEntity> requireCursor(String scope) {
        return cursors.findByScope(scope)
                .onItem().ifNull().failWith(() -> new IllegalStateException("no cursor for scope " + scope));
    }
}
