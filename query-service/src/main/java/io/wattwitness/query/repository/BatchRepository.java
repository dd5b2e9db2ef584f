package io.wattwitness.query.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.wattwitness.reading.ReadingStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Sealed batches (table {@code batches}, V2__query.sql) and the readings' batch and chain columns. Uses the reactive
 * SQL client directly: sealing takes a row lock on {@code batch_sealer} and assigns ids inside one transaction.
 */
@ApplicationScoped
public class BatchRepository {

    private static final String BATCH_COLUMNS = "id, merkle_root, reading_count, first_reading_id, last_reading_id, "
            + "first_reading_ms, last_reading_ms, sealed_at, is_on_chain, blockchain_tx_hash, blockchain_block_number, "
            + "anchored_at";

    private final Pool pool;

    /**
     * @param pool the reactive PostgreSQL pool
     */
    public BatchRepository(Pool pool) {
        this.pool = pool;
    }

    /** @return the pool, for transactions */
    public Pool pool() {
        return pool;
    }

    /**
     * Takes the sealer lock (row lock on {@code batch_sealer}); held until the transaction ends.
     *
     * @param tx a connection in a transaction
     * @return completion
     */
    public Uni<Void> lockSealer(SqlClient tx) {
        return tx.query("SELECT id FROM batch_sealer WHERE id = 1 FOR UPDATE").execute().replaceWithVoid();
    }

    /**
     * Verified readings not in a batch yet and not already marked on chain (through the original range form of
     * mark-on-chain), in id order.
     *
     * @param tx a connection
     * @param limit at most this many
     * @return the readings (id, message, signature, timestamp, created_at)
     */
    public Uni<List<SealCandidate>> unbatched(SqlClient tx, int limit) {
        return tx.preparedQuery("SELECT id, message, signature, timestamp_ms, created_at FROM readings "
                + "WHERE batch_id IS NULL AND status = '" + ReadingStatus.VERIFIED.word() + "' AND NOT is_on_chain ORDER BY id LIMIT $1")
                .execute(Tuple.of(limit))
                .map(rows -> {
                    List<SealCandidate> out = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        out.add(new SealCandidate(row.getLong(0), bytes(row, 1), bytes(row, 2), row.getLong(3),
                                row.getOffsetDateTime(4).toInstant()));
                    }
                    return out;
                });
    }

    /**
     * Inserts a batch with the next id and assigns its readings.
     *
     * @param tx a connection in a transaction holding the sealer lock
     * @param root Merkle root, 32 bytes
     * @param readings the readings in batch order
     * @return the new batch id
     */
    public Uni<Long> insert(SqlClient tx, byte[] root, List<SealCandidate> readings) {
        long firstMs = readings.stream().mapToLong(SealCandidate::timestampMs).min().orElseThrow();
        long lastMs = readings.stream().mapToLong(SealCandidate::timestampMs).max().orElseThrow();
        Long[] ids = readings.stream().map(SealCandidate::id).toArray(Long[]::new);
        return tx.query("SELECT coalesce(max(id), 0) + 1 FROM batches").execute()
                .map(rows -> rows.iterator().next().getLong(0))
                .chain(id -> tx.preparedQuery("INSERT INTO batches (id, merkle_root, reading_count, first_reading_id, "
                        + "last_reading_id, first_reading_ms, last_reading_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                        .execute(Tuple.tuple().addLong(id).addBuffer(Buffer.buffer(root))
                                .addInteger(readings.size()).addLong(ids[0]).addLong(ids[ids.length - 1])
                                .addLong(firstMs).addLong(lastMs))
                        .chain(() -> tx.preparedQuery("UPDATE readings SET batch_id = $1 WHERE id = ANY($2)")
                                .execute(Tuple.of(id, ids)))
                        .chain(() -> tx.query("UPDATE batch_sealer SET last_sealed_at = now() WHERE id = 1").execute())
                        .replaceWith(id));
    }

    /**
     * @param client connection or pool
     * @param id batch id
     * @param forUpdate lock the row until the transaction ends
     * @return the batch, if sealed
     */
    public Uni<Optional<BatchRow>> find(SqlClient client, long id, boolean forUpdate) {
        return client.preparedQuery("SELECT " + BATCH_COLUMNS + " FROM batches WHERE id = $1" + (forUpdate ? " FOR UPDATE" : ""))
                .execute(Tuple.of(id)).map(BatchRepository::first);
    }

    /** @return the newest batch, if any */
    public Uni<Optional<BatchRow>> latest() {
        return pool.query("SELECT " + BATCH_COLUMNS + " FROM batches ORDER BY id DESC LIMIT 1").execute()
                .map(BatchRepository::first);
    }

    /** @return the most recently anchored batch, if any */
    public Uni<Optional<BatchRow>> latestAnchored() {
        return pool.query("SELECT " + BATCH_COLUMNS + " FROM batches WHERE is_on_chain ORDER BY id DESC LIMIT 1").execute()
                .map(BatchRepository::first);
    }

    /** @return the oldest sealed batch not yet anchored, if any */
    public Uni<Optional<BatchRow>> oldestUnanchored() {
        return pool.query("SELECT " + BATCH_COLUMNS + " FROM batches WHERE NOT is_on_chain ORDER BY id LIMIT 1").execute()
                .map(BatchRepository::first);
    }

    /**
     * The last anchored batch holding a reading of an installation.
     *
     * @param installationId installation
     * @return the batch, if any
     */
    public Uni<Optional<BatchRow>> latestAnchoredFor(long installationId) {
        return pool.preparedQuery("SELECT " + BATCH_COLUMNS + " FROM batches WHERE id = (SELECT batch_id FROM readings "
                + "WHERE installation_id = $1 AND is_on_chain ORDER BY timestamp_ms DESC, id DESC LIMIT 1)")
                .execute(Tuple.of(installationId)).map(BatchRepository::first);
    }

    /**
     * The readings of a batch in batch order (id order), whatever their status today.
     *
     * @param client connection or pool
     * @param batchId batch
     * @return the readings
     */
    public Uni<List<BatchReadingRow>> readings(SqlClient client, long batchId) {
        return client.preparedQuery("SELECT id, installation_id, device_id, message, signature, timestamp_ms FROM readings "
                + "WHERE batch_id = $1 ORDER BY id")
                .execute(Tuple.of(batchId))
                .map(rows -> {
                    List<BatchReadingRow> out = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        out.add(new BatchReadingRow(row.getLong(0), row.getLong(1), row.getString(2).trim(),
                                bytes(row, 3), bytes(row, 4), row.getLong(5)));
                    }
                    return out;
                });
    }

    /**
     * Marks a batch and its readings as anchored.
     *
     * @param tx a connection in a transaction holding the batch row lock
     * @param batchId batch
     * @param txHash transaction hash
     * @param blockNumber block number
     * @return readings newly marked
     */
    public Uni<Integer> markBatch(SqlClient tx, long batchId, String txHash, long blockNumber) {
        return tx.preparedQuery("UPDATE batches SET is_on_chain = TRUE, blockchain_tx_hash = $2, "
                + "blockchain_block_number = $3, anchored_at = now() WHERE id = $1")
                .execute(Tuple.of(batchId, txHash, blockNumber))
                .chain(() -> tx.preparedQuery("UPDATE readings SET is_on_chain = TRUE, blockchain_tx_hash = $2, "
                        + "blockchain_block_number = $3 WHERE batch_id = $1 AND NOT is_on_chain")
                        .execute(Tuple.of(batchId, txHash, blockNumber)))
                .map(RowSet::rowCount);
    }

    /**
     * Records a new anchoring transaction for a batch already marked (a reorganisation moved it).
     *
     * @param tx the transaction's connection
     * @param batchId the batch
     * @param txHash new transaction hash
     * @param blockNumber new block number
     * @return readings updated
     */
    public Uni<Integer> remarkBatch(SqlClient tx, long batchId, String txHash, long blockNumber) {
        return tx.preparedQuery("UPDATE batches SET is_on_chain = TRUE, blockchain_tx_hash = $2, "
                + "blockchain_block_number = $3, anchored_at = now() WHERE id = $1")
                .execute(Tuple.of(batchId, txHash, blockNumber))
                .chain(() -> tx.preparedQuery("UPDATE readings SET is_on_chain = TRUE, blockchain_tx_hash = $2, "
                        + "blockchain_block_number = $3 WHERE batch_id = $1")
                        .execute(Tuple.of(batchId, txHash, blockNumber)))
                .map(RowSet::rowCount);
    }

    /**
     * Marks verified readings of an id range as anchored (the original, batch-less form).
     *
     * @param firstId first reading id
     * @param lastId last reading id (inclusive)
     * @param txHash transaction hash
     * @param blockNumber block number
     * @return readings newly marked and readings of the range already marked with this transaction
     */
    public Uni<RangeMarked> markRange(long firstId, long lastId, String txHash, long blockNumber) {
        return pool.withTransaction(tx -> tx.preparedQuery("UPDATE readings SET is_on_chain = TRUE, blockchain_tx_hash = $3, "
                + "blockchain_block_number = $4 WHERE id BETWEEN $1 AND $2 AND status = '" + ReadingStatus.VERIFIED.word() + "' AND NOT is_on_chain")
                .execute(Tuple.of(firstId, lastId, txHash, blockNumber))
                .chain(updated -> tx.preparedQuery("SELECT count(*) FROM readings WHERE id BETWEEN $1 AND $2 "
                        + "AND is_on_chain AND blockchain_tx_hash = $3")
                        .execute(Tuple.of(firstId, lastId, txHash))
                        .map(rows -> new RangeMarked(updated.rowCount(),
                            (int) (rows.iterator().next().getLong(0) - updated.rowCount())))));
    }

    /**
     * Verified readings not yet on chain, in id order.
     *
     * @param limit at most this many
     * @return the readings
     */
    public Uni<List<PendingRow>> pending(int limit) {
        return pool.preparedQuery("SELECT id, power_w, total_wh, timestamp_ms, encode(signature, 'hex') FROM readings "
                + "WHERE status = '" + ReadingStatus.VERIFIED.word() + "' AND NOT is_on_chain ORDER BY id LIMIT $1")
                .execute(Tuple.of(limit))
                .map(rows -> {
                    List<PendingRow> out = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        out.add(new PendingRow(row.getLong(0), row.getDouble(1), row.getDouble(2), row.getLong(3),
                                row.getString(4)));
                    }
                    return out;
                });
    }

    private static Optional<BatchRow> first(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return Optional.empty();
        }
        Row row = rows.iterator().next();
        return Optional.of(new BatchRow(row.getLong(0), bytes(row, 1), row.getInteger(2), row.getLong(3), row.getLong(4),
                row.getLong(5), row.getLong(6), instant(row.getOffsetDateTime(7)), row.getBoolean(8), row.getString(9),
                row.getLong(10), instant(row.getOffsetDateTime(11))));
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static byte[] bytes(Row row, int column) {
        return row.getBuffer(column).getBytes();
    }

    /**
     * A reading waiting to be sealed.
     *
     * @param id reading id
     * @param message 52 bytes
     * @param signature low-S, 64 bytes
     * @param timestampMs reading time
     * @param createdAt when verify-service stored it
     */
    public record SealCandidate(long id, byte[] message, byte[] signature, long timestampMs, Instant createdAt) {
    }

    /**
     * A sealed batch row.
     *
     * @param id batch id
     * @param merkleRoot 32 bytes
     * @param readingCount readings
     * @param firstReadingId first reading id
     * @param lastReadingId last reading id
     * @param firstReadingMs earliest reading time
     * @param lastReadingMs latest reading time
     * @param sealedAt sealing time
     * @param onChain anchored
     * @param txHash anchoring transaction or null
     * @param blockNumber anchoring block or null
     * @param anchoredAt when it was marked anchored, or null
     */
    public record BatchRow(long id, byte[] merkleRoot, int readingCount, long firstReadingId, long lastReadingId,
            long firstReadingMs, long lastReadingMs, Instant sealedAt, boolean onChain, String txHash, Long blockNumber,
            Instant anchoredAt) {
    }

    /**
     * A reading as sealed in a batch.
     *
     * @param id reading id
     * @param installationId installation
     * @param deviceId 16 hex
     * @param message 52 bytes
     * @param signature 64 bytes, low-S
     * @param timestampMs reading time
     */
    public record BatchReadingRow(long id, long installationId, String deviceId, byte[] message, byte[] signature,
            long timestampMs) {
    }

    /**
     * A verified reading not yet on chain.
     *
     * @param id reading id
     * @param powerW active power, W
     * @param totalWh energy register, Wh
     * @param timestampMs reading time, Unix ms
     * @param signatureHex low-S signature r‖s, 128 hex
     */
    public record PendingRow(long id, double powerW, double totalWh, long timestampMs, String signatureHex) {
    }

    /**
     * Outcome of marking an id range anchored.
     *
     * @param marked verified readings of the range newly marked with the transaction
     * @param alreadyMarked readings of the range that were already marked with the same transaction (a repeated call)
     */
    public record RangeMarked(int marked, int alreadyMarked) {
    }
}
