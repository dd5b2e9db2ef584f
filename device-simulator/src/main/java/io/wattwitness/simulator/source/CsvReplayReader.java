package io.wattwitness.simulator.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the PV CSV formats of {@code ../shared/data/pv} (see its README):
 * <ul>
 *   <li>power series: {@code measured_on,<power column>} with local times carrying their offset
 *       ({@code 2022-03-18 04:33:00-07:00}), values in W;</li>
 *   <li>normalised power: {@code timestamp,value_normalized,...} (times with offset), values × capacity;</li>
 *   <li>energy counters: {@code utc_measured_on,<column containing "energy">,local_measured_on}, UTC times without
 *       offset, values in Wh cumulative within a day (the counter restarts every morning).</li>
 * </ul>
 * The first column is the time; the value column is the first non-time column; further columns are ignored.
 * Rows whose value is empty or NaN are skipped and counted; anything else unparsable is an error naming the line.
 */
public final class CsvReplayReader {

    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd")
            .optionalStart().appendLiteral(' ').optionalEnd()
            .optionalStart().appendLiteral('T').optionalEnd()
            .appendPattern("HH:mm:ss")
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .toFormatter(Locale.ROOT);

    private CsvReplayReader() {
    }

    /**
     * @param file a CSV file in one of the supported formats
     * @return the series
     * @throws IOException when the file cannot be read
     * @throws ReplayFormatException when the header or a row is not understood, or the file has fewer than 2 samples
     */
    public static ReplaySeries read(Path file) throws IOException, ReplayFormatException {
        return parse(file, Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * @param name a name for error messages (normally the file)
     * @param csv the file content
     * @return the series
     * @throws ReplayFormatException when the header or a row is not understood, or there are fewer than 2 samples
     */
    public static ReplaySeries parse(Path name, String csv) throws ReplayFormatException {
        List<String> lines = csv.lines().toList();
        if (lines.isEmpty()) {
            throw new ReplayFormatException(name, 0, "empty file");
        }
        String[] header = split(lines.get(0));
        String timeColumn = header[0].trim().toLowerCase(Locale.ROOT);
        if (!timeColumn.contains("measured_on") && !timeColumn.contains("timestamp") && !timeColumn.equals("time")) {
            throw new ReplayFormatException(name, 1, "first column must be a time (measured_on, utc_measured_on or "
                    + "timestamp), found '" + header[0] + "'");
        }
        boolean utcWithoutOffset = timeColumn.startsWith("utc");
        int valueIndex = -1;
        int localIndex = -1;
        for (int i = 1; i < header.length; i++) {
            String column = header[i].trim().toLowerCase(Locale.ROOT);
            if (column.contains("measured_on") || column.contains("timestamp")) {
                if (column.startsWith("local")) {
                    localIndex = i;
                }
            } else if (valueIndex < 0) {
                valueIndex = i;
            }
        }
        if (valueIndex < 0) {
            throw new ReplayFormatException(name, 1, "no value column in header '" + lines.get(0) + "'");
        }
        String valueColumn = header[valueIndex].trim();
        String lowered = valueColumn.toLowerCase(Locale.ROOT);
        ReplaySeries.Kind kind = lowered.contains("energy") ? ReplaySeries.Kind.ENERGY_COUNTER_WH
                : lowered.contains("normalized") ? ReplaySeries.Kind.NORMALIZED_POWER : ReplaySeries.Kind.POWER_W;

        List<Long> times = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        ZoneOffset offset = null;
        int skipped = 0;
        long previous = Long.MIN_VALUE;
        for (int lineNo = 2; lineNo <= lines.size(); lineNo++) {
            String line = lines.get(lineNo - 1);
            if (line.isBlank()) {
                continue;
            }
            String[] cells = split(line);
            if (cells.length <= valueIndex) {
                throw new ReplayFormatException(name, lineNo, "expected at least " + (valueIndex + 1) + " columns");
            }
            String raw = cells[valueIndex].trim();
            if (raw.isEmpty() || raw.equalsIgnoreCase("nan")) {
                skipped++;
                continue;
            }
            double value;
            try {
                value = Double.parseDouble(raw);
            } catch (NumberFormatException e) {
                throw new ReplayFormatException(name, lineNo, "'" + raw + "' in column " + valueColumn
                        + " is not a number");
            }
            if (!Double.isFinite(value)) {
                skipped++;
                continue;
            }
            TemporalAccessor parsed = parseTime(name, lineNo, cells[0].trim());
            long ms;
            if (parsed instanceof OffsetDateTime odt) {
                ms = odt.toInstant().toEpochMilli();
                offset = odt.getOffset();
            } else if (utcWithoutOffset) {
                LocalDateTime utc = (LocalDateTime) parsed;
                ms = utc.toInstant(ZoneOffset.UTC).toEpochMilli();
                if (localIndex >= 0 && localIndex < cells.length && offset == null) {
                    TemporalAccessor local = parseTime(name, lineNo, cells[localIndex].trim());
                    if (local instanceof LocalDateTime localTime) {
                        long seconds = Duration.between(utc, localTime).getSeconds();
                        offset = ZoneOffset.ofTotalSeconds((int) seconds);
                    }
                }
            } else {
                throw new ReplayFormatException(name, lineNo, "time '" + cells[0].trim()
                        + "' has no UTC offset and the column is not named utc_*");
            }
            if (ms <= previous) {
                throw new ReplayFormatException(name, lineNo, "time " + cells[0].trim()
                        + " is not after the previous row's");
            }
            previous = ms;
            times.add(ms);
            values.add(value);
        }
        if (times.size() < 2) {
            throw new ReplayFormatException(name, 0, "needs at least 2 samples, found " + times.size());
        }
        long[] timesMs = new long[times.size()];
        double[] valueArray = new double[values.size()];
        for (int i = 0; i < timesMs.length; i++) {
            timesMs[i] = times.get(i);
            valueArray[i] = values.get(i);
        }
        return new ReplaySeries(valueColumn, kind, timesMs, valueArray, Optional.ofNullable(offset), skipped);
    }

    /**
     * Parses a time cell.
     *
     * @param name the file, for errors
     * @param lineNo the line, for errors
     * @param cell e.g. {@code 2016-07-01 00:15:00-07:00} or {@code 2011-06-23 10:00:00}
     * @return an {@link OffsetDateTime} when the cell has an offset, else a {@link LocalDateTime}
     * @throws ReplayFormatException when the cell is not a time
     */
    static TemporalAccessor parseTime(Path name, int lineNo, String cell) throws ReplayFormatException {
        try {
            return TIME.parseBest(cell, OffsetDateTime::from, LocalDateTime::from);
        } catch (DateTimeParseException e) {
            throw new ReplayFormatException(name, lineNo, "'" + cell + "' is not a time (yyyy-MM-dd HH:mm:ss[+HH:MM])");
        }
    }

    private static String[] split(String line) {
        return line.split(",", -1);
    }

    /**
     * Convenience for tests and callers holding the CSV in memory.
     *
     * @param csv the content
     * @return the series
     * @throws ReplayFormatException as {@link #parse}
     */
    public static ReplaySeries parse(String csv) throws ReplayFormatException {
        return parse(Path.of("<inline>"), csv);
    }

    /**
     * Parses one time cell of a file with offsets, or UTC when the cell has none.
     *
     * @param cell e.g. {@code 2016-07-01 00:15:00-07:00}
     * @return the instant
     * @throws ReplayFormatException when the cell is not a time
     */
    public static Instant instantOf(String cell) throws ReplayFormatException {
        TemporalAccessor parsed = parseTime(Path.of("<inline>"), 0, cell);
        return parsed instanceof OffsetDateTime odt ? odt.toInstant() : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
    }
}
