package io.wattwitness.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A Mosquitto 2.0 broker process running the shipped configuration ({@code deploy/mosquitto/mosquitto.conf}, with the
 * dynamic-security plugin) on 127.0.0.1, for the local stack and for tests, its accounts reconciled through the plugin
 * ({@link MqttProvisioning#reconcile}).
 * <p>
 * Only the site-specific lines of the shipped {@code mosquitto.conf} are replaced: {@code listener} (the given port,
 * bound to 127.0.0.1), {@code plugin} (this machine's plugin, see {@link #dynamicSecurityPlugin()}),
 * {@code plugin_opt_config_file} and {@code persistence_location} (inside the working folder), and a {@code user} line
 * naming the user running this JVM is added (so that a broker started by root keeps access to the folder). Everything
 * else (anonymous off, queue limits, persistence and autosave, logging) is used as shipped. The working folder holds
 * {@code mosquitto.conf}, {@code dynamic-security.json} (the plugin's state: written with the administrator
 * {@value MosquittoAcl#DEFAULT_ADMIN_USERNAME} at the first start, then owned by the broker), {@code admin-password}
 * (the administrator's password, random, owner-only), {@code data/mosquitto.db} and, unless another log file is given,
 * {@code mosquitto.log} (the broker's output, appended across restarts). ingest-service's shared-subscription group is
 * {@value MosquittoAcl#DEFAULT_SHARED_GROUP}.
 */
public final class MosquittoProcess implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MosquittoProcess.class.getName());

    /** The keys of the shipped configuration this class replaces. */
    static final List<String> SITE_KEYS = List.of("listener", "plugin", "plugin_opt_config_file",
            "persistence_location");

    /** The plugin's file name in every Mosquitto 2.0 installation. */
    static final String PLUGIN_FILE = "mosquitto_dynamic_security.so";

    private final Path executable;
    private final Path workDir;
    private final int port;
    private final String topicRoot;
    private final String ingestUsername;
    private final Path logFile;
    private String adminPassword;
    private Process process;
    private long logOffset;

    private MosquittoProcess(Path executable, Path workDir, int port, String topicRoot, String ingestUsername,
            Path logFile) {
        this.executable = executable;
        this.workDir = workDir;
        this.port = port;
        this.topicRoot = topicRoot;
        this.ingestUsername = ingestUsername;
        this.logFile = logFile;
    }

    /**
     * @return the Mosquitto executable: {@code $MOSQUITTO} when set, else {@code /usr/sbin/mosquitto}, else
     *         {@code mosquitto} on the {@code PATH}; empty when none is installed
     */
    public static Optional<Path> executable() {
        List<Path> candidates = new ArrayList<>();
        String configured = System.getenv("MOSQUITTO");
        if (configured != null && !configured.isBlank()) {
            candidates.add(Path.of(configured));
        }
        candidates.add(Path.of("/usr/sbin/mosquitto"));
        candidates.add(Path.of("/usr/local/sbin/mosquitto"));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "mosquitto"));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /**
     * @return the dynamic-security plugin: {@code $MOSQUITTO_DYNSEC_PLUGIN} when set, else the first
     *         {@value #PLUGIN_FILE} in {@code /usr/lib/<architecture>/} (Debian, Ubuntu), {@code /usr/lib/} (the
     *         eclipse-mosquitto image) or {@code /usr/local/lib/}; empty when none is installed
     */
    public static Optional<Path> dynamicSecurityPlugin() {
        List<Path> candidates = new ArrayList<>();
        String configured = System.getenv("MOSQUITTO_DYNSEC_PLUGIN");
        if (configured != null && !configured.isBlank()) {
            candidates.add(Path.of(configured));
        }
        try (java.util.stream.Stream<Path> dirs = Files.list(Path.of("/usr/lib"))) {
            dirs.filter(Files::isDirectory).sorted().forEach(dir -> candidates.add(dir.resolve(PLUGIN_FILE)));
        } catch (IOException e) {
            // no /usr/lib: the other candidates
        }
        candidates.add(Path.of("/usr/lib", PLUGIN_FILE));
        candidates.add(Path.of("/usr/local/lib", PLUGIN_FILE));
        return candidates.stream().filter(Files::isRegularFile).findFirst();
    }

    /**
     * Writes the effective configuration and, at the first start on this folder, the plugin's initial state
     * ({@link DynamicSecurityFile}, administrator with a random password kept in {@code admin-password}), starts the
     * broker, waits until it accepts connections, and reconciles its accounts with {@code accounts}
     * ({@link #reload}). The persistence in {@code workDir/data} and the plugin's state are kept, so a second start
     * on the same folder resumes the saved sessions.
     *
     * @param executable the mosquitto binary, see {@link #executable()}
     * @param shippedDir the folder of the shipped {@code mosquitto.conf} and {@code acl} ({@code deploy/mosquitto})
     * @param workDir the working folder (created when absent)
     * @param port the TCP port on 127.0.0.1
     * @param topicRoot the topic root of the device topics, e.g. {@code wattwitness/v1/devices}
     * @param ingestUsername ingest-service's account name (its password is in {@code accounts})
     * @param accounts username to password (devices: device id to derived password; the ingest account)
     * @return the running broker
     * @throws IOException if a file cannot be written, the plugin is not installed, the broker does not start
     *         within 30 s or exits, or refuses the reconciliation
     * @throws IllegalArgumentException if the shipped configuration lacks a site-specific line, or an account or the
     *         root is not usable (a key of {@code accounts} that is neither {@code ingestUsername} nor a device id)
     */
    public static MosquittoProcess start(Path executable, Path shippedDir, Path workDir, int port, String topicRoot,
            String ingestUsername, Map<String, String> accounts) throws IOException {
        return start(executable, shippedDir, workDir, port, topicRoot, ingestUsername, accounts,
                workDir.resolve("mosquitto.log"));
    }

    /**
     * Like {@link #start(Path, Path, Path, int, String, String, Map)}, with the broker's output appended to a given
     * file.
     *
     * @param executable the mosquitto binary
     * @param shippedDir the folder of the shipped configuration
     * @param workDir the working folder
     * @param port the TCP port on 127.0.0.1
     * @param topicRoot the topic root
     * @param ingestUsername ingest-service's account name
     * @param accounts username to password
     * @param logFile where the broker's output is appended
     * @return the running broker
     * @throws IOException if a file cannot be written, the broker does not start or refuses the reconciliation
     */
    public static MosquittoProcess start(Path executable, Path shippedDir, Path workDir, int port, String topicRoot,
            String ingestUsername, Map<String, String> accounts, Path logFile) throws IOException {
        MqttProvisioning.Desired.of(topicRoot, MosquittoAcl.DEFAULT_SHARED_GROUP, ingestUsername, accounts);
        Path plugin = dynamicSecurityPlugin().orElseThrow(() -> new IOException("Mosquitto's dynamic-security "
                + "plugin (" + PLUGIN_FILE + ") is not installed; set MOSQUITTO_DYNSEC_PLUGIN"));
        Files.createDirectories(workDir.resolve("data"));
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        MosquittoProcess broker = new MosquittoProcess(executable, workDir.toAbsolutePath(), port, topicRoot,
                ingestUsername, logFile.toAbsolutePath());
        Files.writeString(broker.confFile(), effectiveConfiguration(
                Files.readString(shippedDir.resolve("mosquitto.conf"), StandardCharsets.UTF_8), broker.workDir, port,
                System.getProperty("user.name"), plugin), StandardCharsets.UTF_8);
        Path passwordFile = broker.workDir.resolve("admin-password");
        if (!Files.exists(broker.dynamicSecurityFile())) {
            byte[] random = new byte[24];
            new java.security.SecureRandom().nextBytes(random);
            DynamicSecurityFile.writePrivate(passwordFile, java.util.HexFormat.of().formatHex(random) + "\n");
            DynamicSecurityFile.writeInitial(broker.dynamicSecurityFile(), MosquittoAcl.DEFAULT_ADMIN_USERNAME,
                    Files.readString(passwordFile, StandardCharsets.UTF_8).strip());
        }
        broker.adminPassword = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
        broker.launch();
        try {
            broker.reload(accounts);
        } catch (IOException | RuntimeException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    /**
     * The shipped configuration with its site-specific lines replaced (see the class comment).
     *
     * @param shipped the text of the shipped {@code mosquitto.conf}
     * @param workDir the working folder
     * @param port the port on 127.0.0.1
     * @param user the user the broker runs as
     * @param plugin the dynamic-security plugin
     * @return the configuration to run
     * @throws IllegalArgumentException if a site-specific key is absent from or repeated in the shipped text
     */
    static String effectiveConfiguration(String shipped, Path workDir, int port, String user, Path plugin) {
        Map<String, String> replacements = new LinkedHashMap<>();
        replacements.put("listener", "listener " + port + " 127.0.0.1");
        replacements.put("plugin", "plugin " + plugin);
        replacements.put("plugin_opt_config_file", "plugin_opt_config_file "
                + workDir.resolve("dynamic-security.json"));
        replacements.put("persistence_location", "persistence_location " + workDir.resolve("data") + "/");
        Map<String, Integer> seen = new LinkedHashMap<>();
        StringBuilder out = new StringBuilder();
        for (String line : shipped.split("\n", -1)) {
            String key = line.strip().split("\\s+", 2)[0];
            if (SITE_KEYS.contains(key)) {
                seen.merge(key, 1, Integer::sum);
                out.append(replacements.get(key));
            } else if (key.equals("user")) {
                continue;
            } else {
                out.append(line);
            }
            out.append('\n');
        }
        for (String key : SITE_KEYS) {
            if (seen.getOrDefault(key, 0) != 1) {
                throw new IllegalArgumentException("the shipped mosquitto.conf must have exactly one '" + key
                        + "' line, found " + seen.getOrDefault(key, 0));
            }
        }
        out.append("# added for this process: keep the user that started it\nuser ").append(user).append('\n');
        return out.toString();
    }

    private void launch() throws IOException {
        logOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
        process = new ProcessBuilder(executable.toString(), "-c", confFile().toString())
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        try {
            Probes.await("mosquitto on 127.0.0.1:" + port, Duration.ofSeconds(30), () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("mosquitto exited with " + process.exitValue() + ": "
                            + logSinceStart());
                }
                return logSinceStart().contains(" running") && Probes.tcpOpen("127.0.0.1", port);
            });
        } catch (IllegalStateException e) {
            process.destroyForcibly();
            throw new IOException(e.getMessage(), e);
        }
        LOG.info(() -> "mosquitto (pid " + process.pid() + ") on 127.0.0.1:" + port + ", folder " + workDir);
    }

    /**
     * Reconciles the running broker's accounts with these ({@link MqttProvisioning#reconcile} as the administrator):
     * creates what is missing, deletes device accounts that are not listed, changes nothing that is already right (a
     * connected client whose account is unchanged stays connected).
     *
     * @param accounts username to password: ingest-service's account and devices (16 lowercase hex)
     * @return what changed
     * @throws IOException if the broker cannot be reached or refuses a command
     * @throws IllegalArgumentException if an account is not usable
     */
    public MqttProvisioning.Changes reload(Map<String, String> accounts) throws IOException {
        MqttProvisioning.Desired desired = MqttProvisioning.Desired.of(topicRoot, MosquittoAcl.DEFAULT_SHARED_GROUP,
                ingestUsername, accounts);
        try (DynsecControl control = control()) {
            MqttProvisioning.Changes changes = MqttProvisioning.reconcile(control, desired, true);
            LOG.info(() -> "mosquitto on 127.0.0.1:" + port + " accounts: " + changes);
            return changes;
        }
    }

    /**
     * @return a new administrator connection to the plugin (close it)
     * @throws IOException if the broker cannot be reached or refuses it
     */
    public DynsecControl control() throws IOException {
        return DynsecControl.connect(serverUri(), MosquittoAcl.DEFAULT_ADMIN_USERNAME, adminPassword);
    }

    /**
     * Sends SIGHUP (Mosquitto re-reads its configuration file and saves its database; the plugin's accounts are not
     * reloaded) and waits for the broker's "Reloading config." line.
     *
     * @throws IOException if the signal cannot be sent
     */
    public void signalReload() throws IOException {
        int before = count("Reloading config.");
        signal("HUP");
        awaitLog("Reloading config.", before + 1, Duration.ofSeconds(10));
    }

    /**
     * Kills the broker with SIGKILL (no save, no clean shutdown) and waits for it to end.
     *
     * @throws IOException if it is still running 10 s later
     */
    public void kill9() throws IOException {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IOException("mosquitto pid " + process.pid() + " survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * Starts the broker again on the same port, folder, configuration and persistence (after {@link #kill9()} or
     * {@link #close()}).
     *
     * @throws IOException if it is still running or does not start
     */
    public void restart() throws IOException {
        if (process.isAlive()) {
            throw new IOException("mosquitto is still running");
        }
        launch();
    }

    /**
     * Waits until the broker's output since its last start holds a text at least a number of times.
     *
     * @param text the text
     * @param occurrences how many times
     * @param timeout how long to wait
     * @throws IllegalStateException when it does not appear in time
     */
    public void awaitLog(String text, int occurrences, Duration timeout) {
        Probes.await(occurrences + " x '" + text + "' in " + logFile, timeout, () -> count(text) >= occurrences);
    }

    /**
     * @param text a text
     * @return how often it occurs in the broker's output since its last start
     */
    public int count(String text) {
        String log = logSinceStart();
        int n = 0;
        for (int i = log.indexOf(text); i >= 0; i = log.indexOf(text, i + text.length())) {
            n++;
        }
        return n;
    }

    /** @return the broker's output since its last start */
    public String logSinceStart() {
        try {
            byte[] all = Files.readAllBytes(logFile);
            int from = (int) Math.min(logOffset, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** @return the broker's port on 127.0.0.1 */
    public int port() {
        return port;
    }

    /** @return e.g. {@code tcp://127.0.0.1:1883} */
    public String serverUri() {
        return "tcp://127.0.0.1:" + port;
    }

    /** @return the topic root the device and ingest roles are written for */
    public String topicRoot() {
        return topicRoot;
    }

    /** @return ingest-service's account name */
    public String ingestUsername() {
        return ingestUsername;
    }

    /** @return the administrator account ({@value MosquittoAcl#DEFAULT_ADMIN_USERNAME}) */
    public String adminUsername() {
        return MosquittoAcl.DEFAULT_ADMIN_USERNAME;
    }

    /** @return the administrator's password */
    public String adminPassword() {
        return adminPassword;
    }

    /** @return the dynamic-security plugin's state file (owned by the broker once it runs) */
    public Path dynamicSecurityFile() {
        return workDir.resolve("dynamic-security.json");
    }

    /** @return the working folder */
    public Path workDir() {
        return workDir;
    }

    /** @return the broker's output, appended across restarts */
    public Path logFile() {
        return logFile;
    }

    /** @return the effective configuration file */
    public Path confFile() {
        return workDir.resolve("mosquitto.conf");
    }

    /** @return the persistence file (written at autosave, SIGHUP and clean shutdown) */
    public Path databaseFile() {
        return workDir.resolve("data").resolve("mosquitto.db");
    }

    /** @return the process id of the current broker process */
    public long pid() {
        return process.pid();
    }

    /** @return whether the broker runs */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    private void signal(String name) throws IOException {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IOException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Stops the broker with SIGTERM (it saves its database), SIGKILL after 20 s. */
    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
