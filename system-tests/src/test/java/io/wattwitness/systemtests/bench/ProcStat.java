package io.wattwitness.systemtests.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time of any process on the machine from {@code /proc/<pid>/stat} (proc(5): fields 14 {@code utime} and 15
 * {@code stime}, in clock ticks), for processes this JVM did not start (PostgreSQL, Mosquitto), whose
 * {@link ProcessHandle.Info} is empty when they belong to another user.
 */
final class ProcStat {

    /** {@code sysconf(_SC_CLK_TCK)}: 100 on Linux for every architecture this runs on. */
    private static final long TICKS_PER_SECOND = 100;

    private ProcStat() {
    }

    /**
     * @param pid a process id
     * @return user + system CPU time of the process, zero when it is gone or unreadable
     */
    static Duration cpu(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            // the command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return Duration.ofMillis(ticks * 1000 / TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return Duration.ZERO;
        }
    }

    /**
     * @param pid a process id
     * @return {@code /proc/<pid>/comm} without the line end, empty when unreadable
     */
    static String name(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm"), StandardCharsets.UTF_8).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
