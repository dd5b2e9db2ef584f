package io.wattwitness.simulator.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
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
 * Reads the PV CSV formats of public inverter data sets (the module README names the files the tests replay):
 * <ul>
 *   <li>power series: {@code measured_on,<power column>} with local times carrying their offset
 *       ({@code 2022-03-18 04:33:00-07:00}), values in W;</li>
 *   <li>normalised power: {@code timestamp,value_normalized,...} (times with offset), values × capacity;</li>
 *   <li>energy counters: {@code utc_measured_on,<column containing "energy">,local_measured_on}, UTC times without
 *       offset, values in Wh cumulative within a day (the counter restarts every morning).</li>
 * </ul>
 * and the common export variants of such files:
 * <ul>
 *   <li>a time column named {@code *measured_on*}, {@code *timestamp*}, {@code *time*} or {@code *date*} (the first
 *       column; {@code time} or {@code date} as a word of the name), holding {@code yyyy-MM-dd HH:mm:ss} (space or {@code T}, optional offset) or {@code M/d/yyyy H:mm}
 *       (optional {@code :ss}) as spreadsheets export it;</li>
 *   <li>local times without offset, read in the zone given in {@link Options#zone()} (the command line's
 *       {@code --replay-zone}); in the repeated hour of a DST fall-back the earlier offset is taken unless that would
 *       go back in time; a time in a spring-forward gap is an error;</li>
 *   <li>extra columns (ignored) and cells in double quotes;</li>
 *   <li>the value column chosen by name in {@link Options#column()} (case-insensitive), else the first column that
 *       is not a time.</li>
 * </ul>
 * Rows whose value is empty or NaN are skipped and counted; anything else unparsable is an error naming the file and
 * the line (header = line 1).
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

    /** Spreadsheet exports: {@code 1/31/2023 0:15} or {@code 1/31/2023 0:15:00}, local time. */
    private static final DateTimeFormatter SPREADSHEET = new DateTimeFormatterBuilder()
            .appendPattern("M/d/yyyy H:mm")
            .optionalStart().appendPattern(":ss").optionalEnd()
            .toFormatter(Locale.ROOT);

    private CsvReplayReader() {
    }

    /**
     * How to read a file beyond what its header says.
     *
     * @param zone the zone of local times without offset (not {@code utc_*} columns), or null: such times are then
     *        an error
     * @param column the value column's header name (case-insensitive, surrounding spaces ignored), or null for the
     *        first column that is not a time
     */
    public record Options(ZoneId zone, String column) {

        /** No zone, the first value column. */
        public static final Options DEFAULT = new Options(null, null);
    }

    /**
     * @param file a CSV file in one of the supported formats
     * @return the series
     * @throws IOException when the file cannot be read
     * @throws ReplayFormatException when the header or a row is not understood, or the file has fewer than 2 samples
     */
    public static ReplaySeries read(Path file) throws IOException, ReplayFormatException {
        return read(file, Options.DEFAULT);
    }

    /**
     * @param file a CSV file in one of the supported formats
     * @param options zone of local times and value column
     * @return the series
     * @throws IOException when the file cannot be read
     * @throws ReplayFormatException when the header or a row is not understood, or the file has fewer than 2 samples
     */
    public static ReplaySeries read(Path file, Options options) throws IOException, ReplayFormatException {
        return parse(file, Files.readString(file, StandardCharsets.UTF_8), options);
    }

    /**
     * @param name a name for error messages (normally the file)
     * @param csv the file content
     * @return the series
     * @throws ReplayFormatException when the header or a row is not understood, or there are fewer than 2 samples
     */
    public static ReplaySeries parse(Path name, String csv) throws ReplayFormatException {
        return parse(name, csv, Options.DEFAULT);
    }

    /**
     * @param name a name for error messages (normally the file)
     * @param csv the file content
     * @param options zone of local times and value column
     * @return the series
     * @throws ReplayFormatException when the header or a row is not understood, or there are fewer than 2 samples
     */
    public static ReplaySeries parse(Path name, String csv, Options options) throws ReplayFormatException {
        List<String> lines = csv.lines().toList();
        if (lines.isEmpty()) {
            throw new ReplayFormatException(name, 0, "empty file");
        }
        String[] header = split(name, 1, stripBom(lines.get(0)));
        String timeColumn = header[0].trim().toLowerCase(Locale.ROOT);
        if (!isTimeColumn(timeColumn)) {
            throw new ReplayFormatException(name, 1, "first column must be a time (measured_on, utc_measured_on, "
                    + "timestamp, time or date), found '" + header[0] + "'");
        }
        boolean utcWithoutOffset = timeColumn.startsWith("utc");
        int valueIndex = -1;
        int localIndex = -1;
        for (int i = 1; i < header.length; i++) {
            String column = header[i].trim().toLowerCase(Locale.ROOT);
            if (options.column() != null) {
                if (column.equals(options.column().trim().toLowerCase(Locale.ROOT))) {
                    valueIndex = i;
                }
            } else if (isTimeColumn(column)) {
                if (column.startsWith("local")) {
                    localIndex = i;
                }
            } else if (valueIndex < 0) {
                valueIndex = i;
            }
        }
        if (options.column() != null) {
            for (int i = 1; i < header.length; i++) {
                String column = header[i].trim().toLowerCase(Locale.ROOT);
                if (column.startsWith("local") && isTimeColumn(column)) {
                    localIndex = i;
                }
            }
            if (valueIndex < 0) {
                throw new ReplayFormatException(name, 1, "no column named '" + options.column() + "' in header '"
                        + lines.get(0) + "'");
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
            String[] cells = split(name, lineNo, line);
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
            } else if (options.zone() != null) {
                LocalDateTime local = (LocalDateTime) parsed;
                List<ZoneOffset> offsets = options.zone().getRules().getValidOffsets(local);
                if (offsets.isEmpty()) {
                    throw new ReplayFormatException(name, lineNo, "time '" + cells[0].trim() + "' does not exist in "
                            + options.zone().getId() + " (skipped by a daylight-saving change)");
                }
                // in a fall-back overlap: the earlier offset, unless that would go back in time
                ZoneOffset chosen = offsets.get(0);
                if (offsets.size() > 1 && local.toInstant(chosen).toEpochMilli() <= previous) {
                    chosen = offsets.get(1);
                }
                ms = local.toInstant(chosen).toEpochMilli();
                if (offset == null) {
                    offset = chosen;
                }
            } else {
                throw new ReplayFormatException(name, lineNo, "time '" + cells[0].trim()
                        + "' has no UTC offset and the column is not named utc_*; give the zone of such local times "
                        + "(--replay-zone)");
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
            try {
                return LocalDateTime.parse(cell, SPREADSHEET);
            } catch (DateTimeParseException e2) {
                throw new ReplayFormatException(name, lineNo, "'" + cell
                        + "' is not a time (yyyy-MM-dd HH:mm:ss[+HH:MM] or M/d/yyyy H:mm[:ss])");
            }
        }
    }

    private static boolean isTimeColumn(String lowered) {
        if (lowered.contains("measured_on") || lowered.contains("timestamp")) {
            return true;
        }
        for (String word : lowered.split("[^a-z0-9]+")) {
            if (word.equals("time") || word.equals("date") || word.equals("datetime")) {
                return true;
            }
        }
        return false;
    }

    private static String stripBom(String line) {
        return line.startsWith("\uFEFF") ? line.substring(1) : line;
    }

    /**
     * Splits a CSV line on commas; a cell may be in double quotes (a doubled quote inside stands for one).
     */
    private static String[] split(Path name, int lineNo, String line) throws ReplayFormatException {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"' && cell.toString().isBlank()) {
                quoted = true;
                cell.setLength(0);
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        if (quoted) {
            throw new ReplayFormatException(name, lineNo, "unterminated quote");
        }
        cells.add(cell.toString());
        return cells.toArray(new String[0]);
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
     * Convenience for tests and callers holding the CSV in memory.
     *
     * @param csv the content
     * @param options zone of local times and value column
     * @return the series
     * @throws ReplayFormatException as {@link #parse}
     */
    public static ReplaySeries parse(String csv, Options options) throws ReplayFormatException {
        return parse(Path.of("<inline>"), csv, options);
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
