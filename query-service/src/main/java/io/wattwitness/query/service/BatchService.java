package io.wattwitness.query.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.wattwitness.query.config.QueryConfig;
import io.wattwitness.query.repository.BatchRepository;
import io.wattwitness.query.repository.BatchRepository.BatchReadingRow;
import io.wattwitness.query.repository.BatchRepository.BatchRow;
import io.wattwitness.query.repository.BatchRepository.SealCandidate;
import io.wattwitness.query.repository.InstallationKeyRepository;
import io.wattwitness.query.repository.InstallationRepository;
import io.wattwitness.query.rest.model.BatchReading;
import io.wattwitness.query.rest.model.BatchView;
import io.wattwitness.query.rest.model.MarkOnChainRequest;
import io.wattwitness.query.rest.model.MarkOnChainResult;
import io.wattwitness.query.rest.model.PendingReading;
import io.wattwitness.query.rest.model.PendingView;
import io.wattwitness.query.rest.model.ProofView;
import io.wattwitness.reading.Hex;
import io.wattwitness.reading.MerkleTree;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Sealed batches: verified readings not yet batched are sealed into immutable batches
 * numbered from 1, in id order, with the Merkle root of reading-format SPEC.md section 5. Only readings with status
 * {@code verified} are sealed: disputed readings (equivocation) and anomalies (validly signed but implausible:
 * register rollback, clock trouble) are held back, and quarantined inputs are never readings at all.
 * <p>
 * Sealing runs in one transaction holding the {@code batch_sealer} row lock, so concurrent sealers (several
 * instances) serialise and never seal a reading twice or reuse a batch id.
 */
@ApplicationScoped
public class BatchService {

    private final BatchRepository batches;
    private final InstallationKeyRepository keys;
    private final InstallationRepository installations;
    private final QueryConfig.Batches settings;
    private final Counter sealedBatches;
    private final Counter sealedReadings;

    /**
     * @param batches batch rows
     * @param keys key history (proof public keys)
     * @param installations installations (current keys)
     * @param config sealing thresholds
     * @param registry metrics
     */
    public BatchService(BatchRepository batches, InstallationKeyRepository keys, InstallationRepository installations,
            QueryConfig config, MeterRegistry registry) {
        this.batches = batches;
        this.keys = keys;
        this.installations = installations;
        this.settings = config.batches();
        this.sealedBatches = registry.counter("wattwitness.batches.sealed");
        this.sealedReadings = registry.counter("wattwitness.batches.sealed.readings");
    }

    /**
     * Seals one batch when due: at least {@code max-readings} wait, or the oldest waiting reading has waited
     * {@code max-age}; with {@code force}, whenever anything waits.
     *
     * @param force seal whatever waits
     * @return the new batch id, or empty when nothing was sealed
     */
    public Uni<Optional<Long>> sealOnce(boolean force) {
        Instant dueBefore = Instant.now().minus(settings.maxAge());
        return batches.pool().withTransaction(tx -> batches.lockSealer(tx)
                .chain(() -> batches.unbatched(tx, settings.maxReadings()))
                .chain(candidates -> {
                    if (candidates.isEmpty()) {
                        return Uni.createFrom().item(Optional.<Long>empty());
                    }
                    boolean full = candidates.size() >= settings.maxReadings();
                    Instant oldest = candidates.stream().map(SealCandidate::createdAt).min(Instant::compareTo).orElseThrow();
                    if (!force && !full && oldest.isAfter(dueBefore)) {
                        return Uni.createFrom().item(Optional.<Long>empty());
                    }
                    List<byte[]> leaves = new ArrayList<>(candidates.size());
                    for (SealCandidate candidate : candidates) {
                        leaves.add(MerkleTree.leaf(candidate.message(), candidate.signature()));
                    }
                    byte[] root = MerkleTree.of(leaves).root();
                    return batches.insert(tx, root, candidates).map(id -> {
                        sealedBatches.increment();
                        sealedReadings.increment(candidates.size());
                        Log.infof("sealed batch %d: %d readings (ids %d..%d), root 0x%s", id, candidates.size(),
                                candidates.get(0).id(), candidates.get(candidates.size() - 1).id(), Hex.encode(root));
                        return Optional.of(id);
                    });
                }));
    }

    /**
     * Seals batches until nothing is due.
     *
     * @return the number of batches sealed
     */
    public Uni<Integer> sealDue() {
        return sealOnce(false).chain(sealed -> sealed.isEmpty() ? Uni.createFrom().item(0)
                : sealDue().map(more -> more + 1));
    }

    /**
     * @param batchId batch id
     * @return the batch with its readings; {@link NotFoundException} if not sealed
     */
    public Uni<BatchView> batch(long batchId) {
        return batches.find(batches.pool(), batchId, false).chain(found -> {
            BatchRow batch = found.orElseThrow(() -> new NotFoundException("batch " + batchId + " is not sealed"));
            return batches.readings(batches.pool(), batchId).map(rows -> view(batch, rows.stream()
                    .map(row -> new BatchReading(row.id(), row.installationId(), row.deviceId(), Hex.encode(row.message()),
                            Hex.encode(row.signature()), Math.floorDiv(row.timestampMs(), 1000L)))
                    .toList()));
        });
    }

    /** @return the newest batch without readings; {@link NotFoundException} if none */
    public Uni<BatchView> latest() {
        return batches.latest().map(found -> view(found.orElseThrow(() -> new NotFoundException("no batch sealed yet")),
                null));
    }

    /**
     * The Merkle proof of one reading.
     *
     * @param batchId batch id
     * @param reading reading id
     * @return the proof; {@link NotFoundException} when the batch or the reading in it is unknown
     */
    @WithSession
    public Uni<ProofView> proof(long batchId, long reading) {
        return batches.find(batches.pool(), batchId, false).chain(found -> {
            BatchRow batch = found.orElseThrow(() -> new NotFoundException("batch " + batchId + " is not sealed"));
            return batches.readings(batches.pool(), batchId).chain(rows -> {
                int index = -1;
                List<byte[]> leaves = new ArrayList<>(rows.size());
                for (int i = 0; i < rows.size(); i++) {
                    leaves.add(MerkleTree.leaf(rows.get(i).message(), rows.get(i).signature()));
                    if (rows.get(i).id() == reading) {
                        index = i;
                    }
                }
                if (index < 0) {
                    throw new NotFoundException("reading " + reading + " is not in batch " + batchId);
                }
                MerkleTree tree = MerkleTree.of(leaves);
                if (!Arrays.equals(tree.root(), batch.merkleRoot())) {
                    throw new IllegalStateException("batch " + batchId + " no longer matches its sealed root");
                }
                BatchReadingRow row = rows.get(index);
                int position = index;
                List<String> proof = tree.proof(index).stream().map(BatchService::hex32).toList();
                return keys.findByDeviceId(row.deviceId()).chain(key -> key != null
                        ? Uni.createFrom().item(key.publicKey.trim())
                        : installations.findByDeviceId(row.deviceId()).map(i -> i == null ? null : i.publicKey.trim()))
                        .map(publicKey -> new ProofView(batchId, reading, position, hex32(leaves.get(position)), proof,
                                hex32(batch.merkleRoot()), Hex.encode(row.message()), Hex.encode(row.signature()),
                                publicKey, row.deviceId()));
            });
        });
    }

    /**
     * Verified readings not yet on chain, oldest first (original shape).
     *
     * @param size at most this many readings, ≥ 1
     * @return the pending readings
     */
    public Uni<PendingView> pending(int size) {
        return batches.pending(size).map(rows -> {
            List<PendingReading> readings = rows.stream().map(row -> new PendingReading(row.id(), row.powerW(),
                    row.totalWh(), Math.floorDiv(row.timestampMs(), 1000L), row.signatureHex())).toList();
            return new PendingView(readings, readings.isEmpty() ? null : readings.get(0).id(),
                    readings.isEmpty() ? null : readings.get(readings.size() - 1).id(), readings.size());
        });
    }

    /**
     * Records that readings were anchored. Batch form: idempotent for the same transaction; a conflict when the given
     * root differs from the sealed one, or when the batch is already anchored by another transaction and no root
     * is given; with the matching root, another transaction replaces the recorded one (re-anchored after a chain
     * reorganisation). Range form:
     * marks the verified readings of the id range not yet marked.
     *
     * @param request the body
     * @return what was marked
     */
    public Uni<MarkOnChainResult> markOnChain(MarkOnChainRequest request) {
        if (request == null) {
            throw new InvalidArgumentException("body", "a JSON object is required");
        }
        String txHash = request.blockchainTxHash() == null ? "" : request.blockchainTxHash().trim().toLowerCase(Locale.ROOT);
        if (!txHash.startsWith("0x") || !Hex.isHex(txHash.substring(2), 64)) {
            throw new InvalidArgumentException("blockchain_tx_hash", "must be 0x followed by 64 hex characters");
        }
        if (request.blockchainBlockNumber() == null || request.blockchainBlockNumber() < 0) {
            throw new InvalidArgumentException("blockchain_block_number", "must be a non-negative integer");
        }
        long block = request.blockchainBlockNumber();
        if (request.batchId() != null) {
            return markBatch(request, txHash, block);
        }
        if (request.firstReadingId() == null || request.firstReadingId() < 1) {
            throw new InvalidArgumentException("first_reading_id", "is required (or batch_id) and must be positive");
        }
        if (request.lastReadingId() == null || request.lastReadingId() < request.firstReadingId()) {
            throw new InvalidArgumentException("last_reading_id", "is required and must be >= first_reading_id");
        }
        return batches.markRange(request.firstReadingId(), request.lastReadingId(), txHash, block)
                .map(range -> new MarkOnChainResult(null, range.marked(), range.marked() == 0 && range.alreadyMarked() > 0));
    }

    private Uni<MarkOnChainResult> markBatch(MarkOnChainRequest request, String txHash, long block) {
        long batchId = request.batchId();
        if (batchId < 1) {
            throw new InvalidArgumentException("batch_id", "must be a positive integer");
        }
        byte[] root = null;
        if (request.merkleRoot() != null) {
            String text = request.merkleRoot().trim();
            if (!text.startsWith("0x") || !Hex.isHex(text.substring(2), 64)) {
                throw new InvalidArgumentException("merkle_root", "must be 0x followed by 64 hex characters");
            }
            root = Hex.decode(text.substring(2));
        }
        byte[] expectedRoot = root;
        return batches.pool().withTransaction(tx -> batches.find(tx, batchId, true).chain(found -> {
            BatchRow batch = found.orElseThrow(() -> new NotFoundException("batch " + batchId + " is not sealed"));
            if (expectedRoot != null && !Arrays.equals(expectedRoot, batch.merkleRoot())) {
                throw new ConflictException("merkle_root", "batch " + batchId + " was sealed with root "
                        + hex32(batch.merkleRoot()) + ", not " + hex32(expectedRoot));
            }
            if (batch.onChain()) {
                if (txHash.equals(batch.txHash())) {
                    return Uni.createFrom().item(new MarkOnChainResult(batchId, 0, true));
                }
                if (expectedRoot == null) {
                    throw new ConflictException("blockchain_tx_hash", "batch " + batchId
                            + " is already anchored by transaction " + batch.txHash()
                            + "; give merkle_root to record a re-anchoring");
                }
                // Same batch, same root, another transaction: a reorganisation moved the anchoring transaction.
                return batches.remarkBatch(tx, batchId, txHash, block).map(marked -> {
                    Log.warnf("batch %d re-anchored in %s at block %d (was %s): reorganisation", batchId, txHash,
                            block, batch.txHash());
                    return new MarkOnChainResult(batchId, marked, false);
                });
            }
            return batches.markBatch(tx, batchId, txHash, block).map(marked -> {
                Log.infof("batch %d anchored in %s at block %d (%d readings)", batchId, txHash, block, marked);
                return new MarkOnChainResult(batchId, marked, false);
            });
        }));
    }

    private static BatchView view(BatchRow batch, List<BatchReading> readings) {
        return new BatchView(batch.id(), hex32(batch.merkleRoot()), batch.readingCount(),
                Math.floorDiv(batch.firstReadingMs(), 1000L), Math.floorDiv(batch.lastReadingMs(), 1000L), batch.sealedAt(),
                batch.onChain(), batch.txHash(), batch.blockNumber(), readings);
    }

    private static String hex32(byte[] value) {
        return "0x" + Hex.encode(value);
    }
}
