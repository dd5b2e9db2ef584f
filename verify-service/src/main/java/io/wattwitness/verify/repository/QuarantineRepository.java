package io.wattwitness.verify.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The {@code quarantine} table. Call with the connection of a transaction. */
@ApplicationScoped
public class QuarantineRepository {

    private static final String INSERT = "INSERT INTO quarantine (received_at, source, stage, reason, detail, topic,"
            + " device_id, installation_id, boot, seq, raw, raw_sha256, event_key)"
            + " SELECT " + Rows.EPOCH_MS.formatted("u.received_ms") + ", u.source, u.stage, u.reason, u.detail,"
            + " u.topic, u.device_id, u.installation_id, u.boot, u.seq, u.raw, u.raw_sha256, u.event_key"
            + " FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],"
            + " $8::bigint[], $9::bigint[], $10::bigint[], $11::bytea[], $12::text[], $13::text[])"
            + " AS u(received_ms, source, stage, reason, detail, topic, device_id, installation_id, boot, seq, raw,"
            + " raw_sha256, event_key)"
            + " ON CONFLICT (event_key) DO NOTHING";

    /**
     * Inserts quarantine rows in one statement; a row with the same {@link QuarantineRow#eventKey()} (a
     * redelivered record) is skipped, so each rejection event is stored once.
     *
     * @param connection the transaction's connection
     * @param rows rows to insert
     * @return rows actually inserted
     */
    public Uni<Integer> insert(SqlConnection connection, List<QuarantineRow> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        Tuple parameters = Tuple.tuple()
                .addValue(Rows.longs(rows, QuarantineRow::receivedAtMs))
                .addValue(Rows.strings(rows, QuarantineRow::source))
                .addValue(Rows.strings(rows, QuarantineRow::stage))
                .addValue(Rows.strings(rows, QuarantineRow::reason))
                .addValue(Rows.strings(rows, QuarantineRow::detail))
                .addValue(Rows.strings(rows, QuarantineRow::topic))
                .addValue(Rows.strings(rows, QuarantineRow::deviceId))
                .addValue(Rows.longs(rows, QuarantineRow::installationId))
                .addValue(Rows.longs(rows, QuarantineRow::boot))
                .addValue(Rows.longs(rows, QuarantineRow::seq))
                .addValue(Rows.buffers(rows, QuarantineRow::raw))
                .addValue(Rows.strings(rows, QuarantineRow::rawSha256))
                .addValue(Rows.strings(rows, QuarantineRow::eventKey));
        return connection.preparedQuery(INSERT).execute(parameters).map(result -> result.rowCount());
    }
}
