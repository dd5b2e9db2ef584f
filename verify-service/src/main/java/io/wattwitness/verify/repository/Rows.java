package io.wattwitness.verify.repository;

import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import java.util.List;
import java.util.function.Function;

/** Conversions between Java values and the reactive PostgreSQL client's parameters and rows. */
final class Rows {

    /** {@code timestamptz} of Unix milliseconds, exact (no floating point): use as {@code EPOCH_MS.formatted(expr)}. */
    static final String EPOCH_MS = "(TIMESTAMPTZ 'epoch' + (%s) * INTERVAL '1 millisecond')";

    /** Unix milliseconds of a {@code timestamptz} expression, as {@code bigint}. */
    static final String TO_MS = "CAST(FLOOR(EXTRACT(EPOCH FROM %s) * 1000) AS bigint)";

    private Rows() {
    }

    static <T> Long[] longs(List<T> rows, Function<T, Long> value) {
        Long[] array = new Long[rows.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = value.apply(rows.get(i));
        }
        return array;
    }

    static <T> Integer[] ints(List<T> rows, Function<T, Integer> value) {
        Integer[] array = new Integer[rows.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = value.apply(rows.get(i));
        }
        return array;
    }

    static <T> Double[] doubles(List<T> rows, Function<T, Double> value) {
        Double[] array = new Double[rows.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = value.apply(rows.get(i));
        }
        return array;
    }

    static <T> Boolean[] booleans(List<T> rows, Function<T, Boolean> value) {
        Boolean[] array = new Boolean[rows.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = value.apply(rows.get(i));
        }
        return array;
    }

    static <T> String[] strings(List<T> rows, Function<T, String> value) {
        String[] array = new String[rows.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = value.apply(rows.get(i));
        }
        return array;
    }

    static <T> Buffer[] buffers(List<T> rows, Function<T, byte[]> value) {
        Buffer[] array = new Buffer[rows.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = Buffer.buffer(value.apply(rows.get(i)));
        }
        return array;
    }

    /** @return the bytes of a {@code bytea} column */
    static byte[] bytes(Row row, int column) {
        return row.getDelegate().getBuffer(column).getBytes();
    }
}
