package io.wattwitness.systemtests.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A packaged Quarkus service ({@code java -jar <module>/target/quarkus-app/quarkus-run.jar}) run as a child process
 * with its configuration in environment variables, its output appended to {@code <logDir>/<name>.log}, readiness
 * from {@code /q/health/ready}. It can be killed with SIGKILL ({@link #kill()}) and started again with the same
 * command, environment and HTTP port ({@link #restart()}). Not thread-safe.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ServiceProcess.class.getName());
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path logFile;
    private final int httpPort;
    private Process process;
    private Duration cpuOfEndedProcesses = Duration.ZERO;

    private ServiceProcess(String name, List<String> command, Map<String, String> env, Path logFile, int httpPort) {
        this.name = name;
        this.command = command;
        this.env = env;
        this.logFile = logFile;
        this.httpPort = httpPort;
    }

    /**
     * Starts a packaged service; does not wait for readiness ({@link #awaitReady}).
     *
     * @param name short name, also the log file name ({@code <name>.log})
     * @param jar the {@code quarkus-run.jar}
     * @param env configuration (the service's environment variables); {@code QUARKUS_HTTP_PORT} is added
     * @param httpPort the HTTP port (health, metrics)
     * @param logDir folder of the log file, created when missing
     * @return the running process
     * @throws IOException when the jar is missing (package the service first) or the process cannot start
     */
    public static ServiceProcess start(String name, Path jar, Map<String, String> env, int httpPort, Path logDir)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException(jar + " does not exist: package the service first (mvn -B -q -pl "
                    + "ingest-service,verify-service -am package -DskipTests)");
        }
        Files.createDirectories(logDir);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-jar");
        command.add(jar.toString());
        Map<String, String> full = new TreeMap<>(env);
        full.put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        ServiceProcess service = new ServiceProcess(name, List.copyOf(command), Map.copyOf(full),
                logDir.resolve(name + ".log"), httpPort);
        service.launch();
        return service;
    }

    private void launch() throws IOException {
        Files.writeString(logFile, "==== " + Instant.now() + " starting " + name + " on port " + httpPort + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(logFile.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(env);
        process = builder.start();
        LOG.info(() -> "started " + name + " (pid " + process.pid() + ", port " + httpPort + "), log " + logFile);
    }

    /**
     * Waits until {@code GET /q/health/ready} answers 200.
     *
     * @param timeout how long to wait at most
     * @throws IOException when the process exits or is not ready in time (with the end of its log)
     */
    public void awaitReady(Duration timeout) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        URI ready = URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready");
        String last = "no answer";
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + " before it was ready:\n"
                        + logTail(40));
            }
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(ready)
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    LOG.info(() -> name + " is ready");
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for " + name, e);
            }
            Poll.pause(Duration.ofMillis(500));
        }
        throw new IOException(name + " not ready within " + timeout + " (last: " + last + "):\n" + logTail(40));
    }

    /**
     * Reads a counter from the service's Prometheus endpoint.
     *
     * @param series the series exactly as exposed, e.g. {@code verify_readings_total{outcome="duplicate"}}
     * @return its value, or 0 when the series is not exposed
     * @throws IOException when {@code /q/metrics} cannot be read
     */
    public double metric(String series) throws IOException {
        URI metrics = URI.create("http://127.0.0.1:" + httpPort + "/q/metrics");
        try {
            String body = HTTP.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String line : body.split("\n")) {
                if (line.startsWith(series + " ")) {
                    return Double.parseDouble(line.substring(series.length() + 1).trim());
                }
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading metrics of " + name, e);
        }
    }

    /** Sends SIGKILL (no shutdown hooks, no clean disconnects) and waits for the process to end. */
    public void kill() {
        long pid = process.pid();
        Duration cpu = cpuTimeOfCurrent();
        process.destroyForcibly();
        waitForExit(Duration.ofSeconds(30), cpu);
        LOG.info(() -> "killed " + name + " (pid " + pid + ") with SIGKILL");
    }

    /**
     * Starts the same command again with the same environment and port, after {@link #kill()} or {@link #stop()}.
     *
     * @throws IOException when the process cannot start
     * @throws IllegalStateException when it is still running
     */
    public void restart() throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        launch();
    }

    /** Stops the process with SIGTERM (graceful shutdown), SIGKILL after 30 s. */
    public void stop() {
        if (!process.isAlive()) {
            return;
        }
        Duration cpu = cpuTimeOfCurrent();
        process.destroy();
        if (!waitForExit(Duration.ofSeconds(30), cpu)) {
            process.destroyForcibly();
            waitForExit(Duration.ofSeconds(10), cpu);
        }
    }

    private boolean waitForExit(Duration timeout, Duration cpuBeforeSignal) {
        Duration cpu = cpuBeforeSignal;
        try {
            boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (ended) {
                cpuOfEndedProcesses = cpuOfEndedProcesses.plus(cpu);
            }
            return ended;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Duration cpuTimeOfCurrent() {
        return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /**
     * @return CPU time (user + system, from {@code /proc/<pid>/stat} through {@link ProcessHandle.Info}) of the
     *         running process plus what earlier, ended processes of this service used up to their last sample
     */
    public Duration cpuTime() {
        return cpuOfEndedProcesses.plus(process.isAlive() ? cpuTimeOfCurrent() : Duration.ZERO);
    }

    /** @return whether the process is running */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** @return the process id of the current process */
    public long pid() {
        return process.pid();
    }

    /** @return the HTTP port */
    public int httpPort() {
        return httpPort;
    }

    /** @return the log file */
    public Path logFile() {
        return logFile;
    }

    /**
     * @param lines how many lines
     * @return the last lines of the log, for error messages
     */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log " + logFile + " unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        stop();
    }
}
