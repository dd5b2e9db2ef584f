package io.wattwitness.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A child process started by the local stack, with its output appended to {@code <logs>/<name>.log}.
 * Stopping sends SIGTERM to the process and its descendants, then SIGKILL after a grace period.
 */
public final class ManagedProcess {

    private static final Logger LOG = Logger.getLogger(ManagedProcess.class.getName());

    private final String name;
    private final Process process;
    private final Path logFile;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path workDir;

    private ManagedProcess(String name, Process process, Path logFile, List<String> command, Map<String, String> env,
            Path workDir) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.command = command;
        this.env = env;
        this.workDir = workDir;
    }

    /**
     * Starts a process.
     *
     * @param name short name, also the log file's name
     * @param command the command and its arguments
     * @param env extra environment variables
     * @param workDir working directory
     * @param logDir folder of the log files
     * @return the running process
     * @throws IOException if it cannot be started
     */
    public static ManagedProcess start(String name, List<String> command, Map<String, String> env, Path workDir,
            Path logDir) throws IOException {
        Files.createDirectories(logDir);
        Path logFile = logDir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(env);
        Process process = builder.start();
        Path pids = logDir.resolve("pids");
        Files.createDirectories(pids);
        Files.writeString(pids.resolve(name + ".pid"), Long.toString(process.pid()));
        LOG.info(() -> "started " + name + " (pid " + process.pid() + "), log " + logFile);
        return new ManagedProcess(name, process, logFile, List.copyOf(command), Map.copyOf(env), workDir);
    }

    /**
     * Starts the same command again (after the process ended).
     *
     * @return the new process
     * @throws IOException if it cannot be started
     */
    public ManagedProcess restart() throws IOException {
        return start(name, command, env, workDir, logFile.getParent());
    }

    /** @return the short name */
    public String name() {
        return name;
    }

    /** @return the log file */
    public Path logFile() {
        return logFile;
    }

    /** @return whether the process still runs */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits for the process to end.
     *
     * @param seconds at most this long
     * @return the exit code, or -1 if it is still running
     * @throws InterruptedException if interrupted
     */
    public int waitFor(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    /** Stops the process tree: SIGTERM, then SIGKILL after 20 s. */
    public void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        LOG.info(() -> "stopped " + name);
    }
}
