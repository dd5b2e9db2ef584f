package io.wattwitness.verify.repository;

import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Builds one native SQL statement with numbered parameters ({@code ?1, ?2, ...}) for multi-row statements, and
 * converts native result values. Not thread-safe; one instance per statement.
 */
final class NativeSql {

    /** Rows per multi-row statement: keeps every statement far below PostgreSQL's 65,535 parameters. */
    static final int CHUNK = 1000;

    private final StringBuilder sql = new StringBuilder();
    private final List<Object> parameters = new ArrayList<>();

    NativeSql append(String text) {
        sql.append(text);
        return this;
    }

    /**
     * @param value a parameter value (null allowed)
     * @return the placeholder for it
     */
    String param(Object value) {
        parameters.add(value);
        return "?" + parameters.size();
    }

    /**
     * @param epochMs Unix milliseconds
     * @return an exact timestamptz expression for it
     */
    String timestamp(long epochMs) {
        return "(TIMESTAMPTZ 'epoch' + CAST(" + param(epochMs) + " AS bigint) * INTERVAL '1 millisecond')";
    }

    <R> Mutiny.Query<R> query(Mutiny.Session session) {
        Mutiny.Query<R> query = session.createNativeQuery(sql.toString());
        for (int i = 0; i < parameters.size(); i++) {
            query.setParameter(i + 1, parameters.get(i));
        }
        return query;
    }

    @Override
    public String toString() {
        return sql.toString();
    }

    static <T> List<List<T>> chunks(List<T> rows) {
        List<List<T>> chunks = new ArrayList<>();
        for (int from = 0; from < rows.size(); from += CHUNK) {
            chunks.add(rows.subList(from, Math.min(rows.size(), from + CHUNK)));
        }
        return chunks;
    }

    static long toLong(Object value) {
        return ((Number) value).longValue();
    }

    static int toInt(Object value) {
        return ((Number) value).intValue();
    }

    static byte[] toBytes(Object value) {
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        if (value instanceof Buffer buffer) {
            return buffer.getBytes();
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return bytes;
        }
        throw new IllegalStateException("unexpected bytea value " + (value == null ? "null" : value.getClass()));
    }
}
