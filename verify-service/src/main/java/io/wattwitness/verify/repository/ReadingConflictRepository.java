package io.wattwitness.verify.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;
import io.wattwitness.reading.Hex;
import io.wattwitness.verify.service.Decision;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The {@code reading_conflicts} table (equivocations). Call inside a transaction. */
@ApplicationScoped
public class ReadingConflictRepository implements PanacheRepository<ReadingConflict> {

    /**
     * @param readingId the stored reading
     * @param message the conflicting message
     * @return the key used in {@link #insert}'s result
     */
    public static String key(long readingId, byte[] message) {
        return readingId + ":" + Hex.encode(message);
    }

    /**
     * Records conflicting messages; one already recorded for the same reading is skipped.
     *
     * @param conflicts conflicts whose reading ids are known (inserted or stored)
     * @return {@link #key} of each conflict actually inserted
     */
    public Uni<Set<String>> insert(List<Decision.Conflict> conflicts) {
        Uni<Set<String>> inserted = Uni.createFrom().item(new HashSet<>());
        for (List<Decision.Conflict> chunk : NativeSql.chunks(conflicts)) {
            inserted = inserted.chain(keys -> insertChunk(chunk).map(more -> {
                keys.addAll(more);
                return keys;
            }));
        }
        return inserted;
    }

    private Uni<Set<String>> insertChunk(List<Decision.Conflict> conflicts) {
        NativeSql sql = new NativeSql()
                .append("INSERT INTO reading_conflicts (reading_id, message, signature, received_at) VALUES ");
        boolean first = true;
        for (Decision.Conflict conflict : conflicts) {
            sql.append(first ? "(" : ", (")
                    .append(sql.param(conflict.readingId())).append(", ")
                    .append(sql.param(conflict.candidate().reading().message())).append(", ")
                    .append(sql.param(conflict.candidate().reading().lowSSignature())).append(", ")
                    .append(sql.timestamp(conflict.candidate().raw().receivedAtMs())).append(")");
            first = false;
        }
        sql.append(" ON CONFLICT (reading_id, message) DO NOTHING RETURNING reading_id, message");
        return getSession().chain(session -> sql.<Object[]>query(session).getResultList()).map(rows -> {
            Set<String> keys = new HashSet<>();
            for (Object[] row : rows) {
                keys.add(key(NativeSql.toLong(row[0]), NativeSql.toBytes(row[1])));
            }
            return keys;
        });
    }
}
