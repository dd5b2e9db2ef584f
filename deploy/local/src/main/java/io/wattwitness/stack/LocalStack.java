package io.wattwitness.stack;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import io.wattwitness.kafka.LocalKafkaBroker;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The one-command local stack: PostgreSQL and MQTT (existing or embedded), a real Kafka broker, anvil with the
 * anchoring contract, the four services, the local CRE workflow runner and simulated meters. Ctrl-C stops what
 * this command started, and only that. Built and launched by {@code deploy/local/run.sh}.
 */
@Command(name = "local-stack", mixinStandardHelpOptions = true,
        description = "Runs WattWitness locally: brokers, chain, services, workflow runner and simulated meters.")
public final class LocalStack implements Callable<Integer> {

    private static final Logger LOG = Logger.getLogger(LocalStack.class.getName());

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--repo", description = "Repository root (default: current directory).", defaultValue = ".")
    Path repo;

    @Option(names = "--devices", description = "Simulated installations (default ${DEFAULT-VALUE}).", defaultValue = "3")
    int devices;

    @Option(names = "--replay", description = "Replay a CSV of real production with one of the devices.")
    Path replay;

    @Option(names = "--speed", description = "Simulated seconds per real second (default ${DEFAULT-VALUE}).",
            defaultValue = "1")
    double speed;

    @Option(names = "--interval", description = "Reading interval (default ${DEFAULT-VALUE}).", defaultValue = "10s")
    String interval;

    @Option(names = "--start", defaultValue = "now",
            description = "Simulated start (ISO instant or 'now'); with --speed above 1 start in the past, since the "
                    + "backend refuses readings more than 5 minutes ahead of its clock.")
    String start;

    @Option(names = "--simulator-arg", description = "Extra option passed to the simulator (repeatable), e.g. "
            + "--simulator-arg=--tamper-rate=0.05")
    List<String> simulatorArgs;

    @Option(names = "--seal-interval", description = "How often batches are sealed (default ${DEFAULT-VALUE}).",
            defaultValue = "30s")
    String sealInterval;

    @Option(names = "--anchor-schedule", description = "Cron of the workflow runner (default: every 30 s).",
            defaultValue = "*/30 * * * * *")
    String anchorSchedule;

    @Option(names = "--api-port", defaultValue = "8082", description = "query-service port (default ${DEFAULT-VALUE}).")
    int apiPort;

    @Option(names = "--database", defaultValue = "wattwitness",
            description = "PostgreSQL database of the stack (default ${DEFAULT-VALUE}).")
    String database;

    @Option(names = "--mqtt-port", defaultValue = "0", description = "MQTT port on 127.0.0.1: of the shipped "
            + "Mosquitto (default: a free port), or where the fallback broker is looked for or embedded (default 1883).")
    int mqttPort;

    @Option(names = "--no-shipped-mosquitto", description = "Do not run the shipped Mosquitto configuration even when "
            + "mosquitto is installed: use the broker on --mqtt-port or an embedded HiveMQ CE (no accounts).")
    boolean noShippedMosquitto;

    @Option(names = "--firmware-meter", description = "Also run one meter on the firmware itself (firmware/linux, "
            + "built with CMake when missing) reading an emulated Shelly EM Gen2, in real time whatever --speed.")
    boolean firmwareMeter;

    @Option(names = "--firmware-meter-interval-ms", defaultValue = "10000",
            description = "Reading interval of the firmware meter, ms (default ${DEFAULT-VALUE}).")
    long firmwareMeterIntervalMs;

    @Option(names = "--fresh", description = "Start from nothing: drop the database and delete the stack's state "
            + "(device keys, embedded data, chain state).")
    boolean fresh;

    private static final int MAX_RESTARTS = 5;

    private final List<ManagedProcess> processes = new ArrayList<>();
    private volatile boolean stopping;
    private LocalKafkaBroker kafka;
    private EmbeddedInfrastructure infrastructure;
    private LocalMosquitto mosquitto;
    private FirmwareMeter meter;

    /**
     * @param args command-line arguments, see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalStack()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path root = repo.toAbsolutePath().normalize();
        Path stackDir = root.resolve("deploy/local");
        Path logs = stackDir.resolve("logs");
        Path state = stackDir.resolve("state");
        if (fresh) {
            StackFiles.deleteRecursively(state);
        }
        Files.createDirectories(logs);
        Files.createDirectories(state);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopAll();
            stopped.countDown();
        }, "local-stack-shutdown"));

        StackLayout layout = new StackLayout(root, logs, state, apiPort, database);
        if (fresh) {
            ChainStack.forget(layout);
        }
        Optional<Path> mosquittoBinary = noShippedMosquitto ? Optional.empty() : MosquittoProcess.executable();
        infrastructure = new EmbeddedInfrastructure(5432, mosquittoBinary.isEmpty() && mqttPort != 0 ? mqttPort : 1883);
        out.println(infrastructure.ensurePostgres(state, layout.database(), fresh));
        int brokerPort;
        if (mosquittoBinary.isPresent()) {
            mosquitto = LocalMosquitto.start(layout, mosquittoBinary.get(),
                    mqttPort != 0 ? mqttPort : LocalKafkaBroker.freePort());
            brokerPort = mosquitto.port();
            out.println("Mosquitto (deploy/mosquitto configuration, accounts and ACL) on 127.0.0.1:" + brokerPort
                    + ", log " + mosquitto.logFile());
        } else {
            out.println(infrastructure.ensureMqtt(state));
            brokerPort = infrastructure.mqttPort();
        }
        out.flush();
        kafka = LocalKafkaBroker.start(state.resolve("kafka"), LocalKafkaBroker.freePort());
        out.println("Kafka (KRaft) on " + kafka.bootstrapServers());
        out.flush();

        ChainStack chain = new ChainStack(layout);
        ChainStack.Deployment deployment = chain.startAndDeploy(processes);
        out.println("anvil on " + layout.rpcUrl() + ", WattWitnessAnchor at " + deployment.anchor());
        out.flush();

        Map<String, String> common = new HashMap<>();
        common.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        common.put("DB_HOST", "127.0.0.1");
        common.put("DB_PORT", Integer.toString(infrastructure.postgresPort()));
        common.put("DB_NAME", layout.database());
        common.put("DB_USER", "postgres");
        common.put("MQTT_HOST", "127.0.0.1");
        common.put("MQTT_PORT", Integer.toString(brokerPort));
        if (mosquitto != null) {
            common.put("MQTT_USERNAME", mosquitto.ingestUsername());
            common.put("MQTT_PASSWORD", layout.mqttIngestPassword());
        }
        common.put("CHAIN_RPC_URL", layout.rpcUrl());
        common.put("CHAIN_ID", "43113");
        // no block explorer knows the local chain: the API then offers no explorer links
        common.put("CHAIN_EXPLORER_TX_URL", "none");
        common.put("ANCHOR_CONTRACT_ADDRESS", deployment.anchor());
        common.put("QUERY_SERVICE_URL", layout.apiUrl());
        // anvil mines only when a transaction arrives and never reorganises: read up to the head.
        common.put("CHAIN_FINALITY", "confirmations");
        common.put("CHAIN_CONFIRMATION_DEPTH", "0");
        common.putAll(layout.tokens());

        startService("verify-service", layout.verifyPort(), common, layout);
        startService("query-service", layout.apiPort(), withSealing(common), layout);
        startService("ingest-service", layout.ingestPort(), common, layout);
        startService("chain-listener-service", layout.listenerPort(), common, layout);

        String deviceSecret = null;
        if (mosquitto != null) {
            // devices of earlier runs (kept in state/) get their accounts before they connect
            mosquitto.provisionIfChanged();
            deviceSecret = layout.mqttCredentialsSecret();
        }
        processes.add(Simulators.start(layout, "simulator", devices, null, speed, interval, start,
                brokerPort, deviceSecret, simulatorArgs == null ? List.of() : simulatorArgs));
        int installations = devices;
        if (replay != null) {
            processes.add(Simulators.start(layout, "replay", 1, replay, speed, interval, start,
                    brokerPort, deviceSecret, List.of()));
            installations++;
        }
        if (firmwareMeter) {
            meter = FirmwareMeter.start(layout, brokerPort, deviceSecret, firmwareMeterIntervalMs);
            processes.add(meter.process());
            installations++;
            out.println("firmware meter (firmware/linux) as device " + meter.deviceId() + ", log "
                    + meter.process().logFile());
        }
        if (mosquitto != null) {
            // new devices register first, are refused by the broker until provisioned, and retry
            mosquitto.awaitDevices(installations, Duration.ofSeconds(120));
        }
        chain.registerInstallationsWhenPresent(installations);
        processes.add(chain.startWorkflowRunner(deployment, anchorSchedule));

        out.println();
        out.println("WattWitness is running:");
        out.println("  dashboard          " + layout.apiUrl() + "/");
        out.println("  API                " + layout.apiUrl() + "/api/v1/installations/");
        out.println("  OpenAPI / Swagger  " + layout.apiUrl() + "/q/swagger-ui");
        out.println("  health             " + layout.apiUrl() + "/health");
        out.println("  chain (anvil)      " + layout.rpcUrl() + "  anchor " + deployment.anchor());
        out.println("  logs               " + logs);
        out.println("Press Ctrl-C to stop everything this command started.");
        out.flush();
        watch(out);
        stopped.await();
        return 0;
    }

    private Map<String, String> withSealing(Map<String, String> common) {
        Map<String, String> env = new HashMap<>(common);
        env.put("WATTWITNESS_BATCH_INTERVAL", sealInterval);
        return env;
    }

    private void startService(String module, int port, Map<String, String> env, StackLayout layout)
            throws Exception {
        Map<String, String> serviceEnv = new HashMap<>(env);
        serviceEnv.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        Path jar = layout.root().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build with `mvn install -DskipTests` first");
        }
        ManagedProcess process = ManagedProcess.start(module,
                List.of(layout.java(), "-Xmx384m", "-XX:+UseSerialGC", "-jar", jar.toString()),
                serviceEnv, layout.root(), layout.logs());
        processes.add(process);
        Probes.await(module + " health on port " + port, Duration.ofSeconds(120),
                () -> checkAlive(process) && Probes.httpOk("http://127.0.0.1:" + port + "/q/health/live"));
        LOG.info(() -> module + " is up on port " + port);
    }

    private static boolean checkAlive(ManagedProcess process) {
        if (!process.isAlive()) {
            throw new IllegalStateException(process.name() + " exited; see " + process.logFile());
        }
        return true;
    }

    /**
     * Supervises the children: a service or runner that stops unexpectedly is started again (at most
     * {@value #MAX_RESTARTS} times each); a simulator that finished its readings is left alone. The shipped Mosquitto
     * is restarted the same way (with its persistence) and provisioned again every 10 s when the registry changed.
     */
    private void watch(PrintWriter out) {
        Map<String, Integer> restarts = new HashMap<>();
        Thread watcher = new Thread(() -> {
            long rounds = 0;
            while (!Thread.currentThread().isInterrupted()) {
                synchronized (this) {
                    if (mosquitto != null && !stopping) {
                        superviseMosquitto(out, restarts, rounds++ % 5 == 0);
                    }
                    for (int i = 0; i < processes.size(); i++) {
                        ManagedProcess process = processes.get(i);
                        if (process.isAlive() || stopping) {
                            continue;
                        }
                        int count = restarts.merge(process.name(), 1, Integer::sum);
                        boolean simulator = process.name().equals("simulator") || process.name().equals("replay");
                        if (simulator || count > MAX_RESTARTS) {
                            out.println(process.name() + " stopped; see " + process.logFile());
                            processes.remove(i--);
                            continue;
                        }
                        out.println(process.name() + " stopped unexpectedly; restarting it (" + count + ")");
                        try {
                            processes.set(i, process.restart());
                        } catch (IOException e) {
                            out.println("could not restart " + process.name() + ": " + e.getMessage());
                            processes.remove(i--);
                        }
                    }
                }
                out.flush();
                try {
                    Thread.sleep(2_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "local-stack-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private void superviseMosquitto(PrintWriter out, Map<String, Integer> restarts, boolean provision) {
        if (!mosquitto.isAlive()) {
            int count = restarts.merge("mosquitto", 1, Integer::sum);
            if (count > MAX_RESTARTS) {
                if (count == MAX_RESTARTS + 1) {
                    out.println("mosquitto stopped; see " + mosquitto.logFile());
                }
                return;
            }
            out.println("mosquitto stopped unexpectedly; restarting it with its persistence (" + count + ")");
            try {
                mosquitto.restart();
            } catch (IOException e) {
                out.println("could not restart mosquitto: " + e.getMessage());
                return;
            }
        }
        if (provision) {
            mosquitto.provisionIfChanged();
        }
    }

    private synchronized void stopAll() {
        stopping = true;
        List<ManagedProcess> reverse = new ArrayList<>(processes);
        Collections.reverse(reverse);
        reverse.forEach(ManagedProcess::stop);
        processes.clear();
        if (meter != null) {
            meter.close();
            meter = null;
        }
        if (mosquitto != null) {
            mosquitto.close();
            mosquitto = null;
        }
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
        if (infrastructure != null) {
            infrastructure.close();
            infrastructure = null;
        }
    }
}
