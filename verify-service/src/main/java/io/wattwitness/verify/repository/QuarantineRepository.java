package io.wattwitness.verify.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;
import io.wattwitness.verify.service.QuarantineEntry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The {@code quarantine} table. Call inside a transaction. */
@ApplicationScoped
public class QuarantineRepository implements PanacheRepository<QuarantineRecord> {

    /**
     * Inserts quarantine rows; a row with the same {@link QuarantineEntry#eventKey()} (a redelivered record) is
     * skipped, so each rejection event is stored once.
     *
     * @param entries rows to insert
     * @return rows actually inserted
     */
    public Uni<Integer> insert(List<QuarantineEntry> entries) {
        Uni<Integer> total = Uni.createFrom().item(0);
        for (List<QuarantineEntry> chunk : NativeSql.chunks(entries)) {
            total = total.chain(sum -> insertChunk(chunk).map(count -> sum + count));
        }
        return total;
    }

    private Uni<Integer> insertChunk(List<QuarantineEntry> entries) {
        NativeSql sql = new NativeSql().append("INSERT INTO quarantine (received_at, source, stage, reason, detail,"
                + " topic, device_id, installation_id, boot, seq, raw, raw_sha256, event_key) VALUES ");
        boolean first = true;
        for (QuarantineEntry entry : entries) {
            sql.append(first ? "(" : ", (")
                    .append(sql.timestamp(entry.receivedAtMs())).append(", ")
                    .append(sql.param(entry.source())).append(", ")
                    .append(sql.param(entry.stage())).append(", ")
                    .append(sql.param(entry.reason())).append(", ")
                    .append("CAST(" + sql.param(entry.detail()) + " AS text), ")
                    .append("CAST(" + sql.param(entry.topic()) + " AS text), ")
                    .append("CAST(" + sql.param(entry.deviceId()) + " AS text), ")
                    .append("CAST(" + sql.param(entry.installationId()) + " AS bigint), ")
                    .append("CAST(" + sql.param(entry.boot()) + " AS bigint), ")
                    .append("CAST(" + sql.param(entry.seq()) + " AS bigint), ")
                    .append(sql.param(entry.raw())).append(", ")
                    .append(sql.param(entry.rawSha256())).append(", ")
                    .append(sql.param(entry.eventKey())).append(")");
            first = false;
        }
        sql.append(" ON CONFLICT (event_key) DO NOTHING");
        return getSession().chain(session -> sql.query(session).executeUpdate());
    }
}
