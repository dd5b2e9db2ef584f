package io.wattwitness.verify.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.wattwitness.reading.Hex;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The {@code reading_conflicts} table (equivocations). Call with the connection of the poll's transaction. */
@ApplicationScoped
public class ReadingConflictRepository {

    private static final String INSERT = "INSERT INTO reading_conflicts (reading_id, message, signature, received_at)"
            + " SELECT u.reading_id, u.message, u.signature, " + Rows.EPOCH_MS.formatted("u.received_ms")
            + " FROM UNNEST($1::bigint[], $2::bytea[], $3::bytea[], $4::bigint[])"
            + " AS u(reading_id, message, signature, received_ms)"
            + " ON CONFLICT (reading_id, message) DO NOTHING RETURNING reading_id, message";

    /**
     * @param readingId the stored reading
     * @param message the conflicting message
     * @return the key used in {@link #insert}'s result
     */
    public static String key(long readingId, byte[] message) {
        return readingId + ":" + Hex.encode(message);
    }

    /**
     * Records conflicting messages in one statement; one already recorded for the same reading is skipped.
     *
     * @param connection the transaction's connection
     * @param conflicts conflicts whose reading ids are known (inserted or stored)
     * @return {@link #key} of each conflict actually inserted
     */
    public Uni<Set<String>> insert(SqlConnection connection, List<NewConflict> conflicts) {
        if (conflicts.isEmpty()) {
            return Uni.createFrom().item(new HashSet<>());
        }
        Tuple parameters = Tuple.of(Rows.longs(conflicts, NewConflict::readingId),
                Rows.buffers(conflicts, NewConflict::message), Rows.buffers(conflicts, NewConflict::signature),
                Rows.longs(conflicts, NewConflict::receivedAtMs));
        return connection.preparedQuery(INSERT).execute(parameters).map(rows -> {
            Set<String> keys = new HashSet<>();
            for (Row row : rows) {
                keys.add(key(row.getLong(0), Rows.bytes(row, 1)));
            }
            return keys;
        });
    }
}
