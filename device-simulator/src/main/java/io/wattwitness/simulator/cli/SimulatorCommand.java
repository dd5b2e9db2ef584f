package io.wattwitness.simulator.cli;

import io.wattwitness.simulator.messaging.HttpTransport;
import io.wattwitness.simulator.messaging.InstallationRegistrar;
import io.wattwitness.simulator.messaging.Manifest;
import io.wattwitness.simulator.messaging.MqttTransport;
import io.wattwitness.simulator.messaging.PrintTransport;
import io.wattwitness.simulator.service.DeliveryCounters;
import io.wattwitness.simulator.service.DeliveryProtocol;
import io.wattwitness.simulator.service.Emission;
import io.wattwitness.simulator.service.Faults;
import io.wattwitness.simulator.service.Installation;
import io.wattwitness.simulator.service.SimulatedDevice;
import io.wattwitness.simulator.service.Simulator;
import io.wattwitness.simulator.service.Site;
import io.wattwitness.simulator.service.Transport;
import io.wattwitness.simulator.source.CsvReplayReader;
import io.wattwitness.simulator.source.ProductionSource;
import io.wattwitness.simulator.source.ReplayFormatException;
import io.wattwitness.simulator.source.ReplaySeries;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code device-simulator}: the command line of the simulator (see the module README for examples). */
@Command(name = "device-simulator", mixinStandardHelpOptions = true, version = "device-simulator 0.1",
        sortOptions = false,
        description = "Simulates WattWitness meters (ESP32 + ATECC608A + Shelly EM): signed readings over MQTT or "
                + "HTTP, or printed as envelope JSON lines when no transport is given.")
public final class SimulatorCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--devices", defaultValue = "1", description = "Number of devices (default ${DEFAULT-VALUE}).")
    private int devices;

    @Option(names = "--state", defaultValue = "simulator-state",
            description = "State folder: one sub-folder per device with key.pem, boot counter, register, buffer "
                    + "(default ${DEFAULT-VALUE}).")
    private Path state;

    @Option(names = "--interval", defaultValue = "10s", converter = DurationConverter.class,
            description = "Simulated time between readings (default ${DEFAULT-VALUE}).")
    private Duration interval;

    @Option(names = "--speed", defaultValue = "1",
            description = "Simulated seconds per real second, e.g. 360 = one hour per 10 s; 0 = as fast as possible "
                    + "(default ${DEFAULT-VALUE}).")
    private double speed;

    @Option(names = "--start", description = "Simulated start, ISO instant (2024-06-21T04:00:00Z) or 'now'. "
            + "Default: now, or the replayed file's start. With --replay the file is moved by whole days to start "
            + "on that date.")
    private String start;

    @Option(names = "--count", defaultValue = "0", description = "Stop after this many readings per device; "
            + "0 = no limit.")
    private long count;

    @Option(names = "--duration", converter = DurationConverter.class,
            description = "Stop after this much simulated time (e.g. 1h, 2d).")
    private Duration duration;

    @Option(names = "--replay", description = "Replay a PV CSV file (power series, normalised power or "
            + "daily energy counter) instead of the solar model.")
    private Path replay;

    @Option(names = "--replay-zone", description = "Zone of replayed local times that carry no offset, e.g. "
            + "America/Denver for a '7/1/2016 0:15' column (default: such times are an error).")
    private String replayZone;

    @Option(names = "--replay-column", description = "Header name of the replayed value column, e.g. ac_power "
            + "(case-insensitive; default: the first column that is not a time).")
    private String replayColumn;

    @Option(names = "--mqtt", description = "MQTT broker, e.g. tcp://127.0.0.1:1883.")
    private String mqtt;

    @Option(names = "--mqtt-topic-root", defaultValue = MqttTransport.DEFAULT_TOPIC_ROOT,
            description = "MQTT topic root: <root>/{id}/readings, status, ack (default ${DEFAULT-VALUE}).")
    private String mqttTopicRoot;

    @Option(names = "--mqtt-credentials-secret", defaultValue = "${env:MQTT_CREDENTIALS_SECRET}",
            description = "Device credential secret (SPEC.md §6.3): each device connects with username = its id, "
                    + "password = HMAC-SHA256 derivation of the secret (default: env MQTT_CREDENTIALS_SECRET).")
    private String mqttCredentialsSecret;

    @Option(names = "--mqtt-username", description = "Explicit MQTT username (a single device only).")
    private String mqttUsername;

    @Option(names = "--mqtt-password", description = "Explicit MQTT password, with --mqtt-username.")
    private String mqttPassword;

    @Option(names = "--window", defaultValue = "100",
            description = "Most readings in flight per device, sent and not yet acknowledged (default ${DEFAULT-VALUE}).")
    private int window;

    @Option(names = "--ack-timeout", defaultValue = "30s", converter = DurationConverter.class,
            description = "Resend a reading in flight when no ack named it within this time (default ${DEFAULT-VALUE}).")
    private Duration ackTimeout;

    @Option(names = "--ack-timeout-max", defaultValue = "600s", converter = DurationConverter.class,
            description = "Bound of the ack timeout, which doubles at every expiry without an ack "
                    + "(default ${DEFAULT-VALUE}).")
    private Duration ackTimeoutMax;

    @Option(names = "--drain-timeout", defaultValue = "30s", converter = DurationConverter.class,
            description = "With --mqtt, after the last reading wait at most this long for acks to empty the outboxes "
                    + "(what is left stays in the state folder for the next start; default ${DEFAULT-VALUE}).")
    private Duration drainTimeout;

    @Option(names = "--http", description = "API base URL: readings are POSTed to <URL>/api/v1/readings/.")
    private String http;

    @Option(names = "--token", defaultValue = "${env:WW_API_TOKEN}",
            description = "Bearer token for --http and --register (default: env WW_API_TOKEN).")
    private String token;

    @Option(names = "--register", description = "API base URL: register each installation via "
            + "<URL>/api/v1/installations/, retrying (and printing the keys) while it is unreachable.")
    private String register;

    @Option(names = "--manifest", description = "Write every envelope (and its injected fault) as JSON lines.")
    private Path manifest;

    @Option(names = "--catch-up", description = "Never run ahead of the wall clock: with --speed above 1 and a "
            + "--start in the past, run fast until now, then in real time.")
    boolean catchUp;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of faults and clouds (default ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--tamper-rate", defaultValue = "0", description = "Probability to flip a byte after signing.")
    private double tamperRate;

    @Option(names = "--duplicate-rate", defaultValue = "0", description = "Probability to send an envelope twice.")
    private double duplicateRate;

    @Option(names = "--conflict-rate", defaultValue = "0",
            description = "Probability to also send another validly signed reading with the same boot/seq.")
    private double conflictRate;

    @Option(names = "--drop-rate", defaultValue = "0",
            description = "Probability to consume a reading (seq) without sending it.")
    private double dropRate;

    @Option(names = "--clock-skew", defaultValue = "0s", converter = DurationConverter.class,
            description = "Shift every timestamp, e.g. +10m or -30s.")
    private Duration clockSkew;

    @Option(names = "--reboot-every", defaultValue = "0",
            description = "Simulate a reboot (boot+1, seq 0) after N readings; 0 = never.")
    private int rebootEvery;

    @Option(names = "--register-reset-every", defaultValue = "0",
            description = "Restart the energy register from 0 (REGISTER_RESTARTED) every N readings; 0 = never.")
    private int registerResetEvery;

    @Option(names = "--latitude", defaultValue = "39.742", description = "Latitude of device 0 (default ${DEFAULT-VALUE}).")
    private double latitude;

    @Option(names = "--longitude", defaultValue = "-105.179",
            description = "Longitude of device 0 (default ${DEFAULT-VALUE}).")
    private double longitude;

    @Option(names = "--timezone", defaultValue = "America/Denver", description = "Site time zone (default ${DEFAULT-VALUE}).")
    private String timezone;

    @Option(names = "--capacity-w", defaultValue = "5000", description = "Capacity in W (default ${DEFAULT-VALUE}).")
    private double capacityW;

    @Option(names = "--name", defaultValue = "Simulated PV", description = "Installation name prefix.")
    private String name;

    @Option(names = {"--outbox-capacity", "--buffer-limit"}, defaultValue = "100000",
            description = "Outbox capacity: most unacknowledged readings kept per device; when full the oldest is "
                    + "dropped, logged and counted (default ${DEFAULT-VALUE}).")
    private int outboxCapacity;

    private final AtomicBoolean running = new AtomicBoolean(true);

    /**
     * Entry point.
     *
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s %3$s: %5$s%6$s%n");
        }
        System.exit(new CommandLine(new SimulatorCommand()).execute(args));
    }

    /** Asks a running {@link #call()} to stop after the current round. */
    public void stop() {
        running.set(false);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (mqtt != null && http != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "choose one transport: --mqtt or --http");
        }
        Faults faults;
        Site site;
        DeliveryProtocol.Settings delivery;
        try {
            delivery = new DeliveryProtocol.Settings(window, ackTimeout, ackTimeoutMax);
            if (outboxCapacity < 1) {
                throw new IllegalArgumentException("--outbox-capacity must be >= 1");
            }
            faults = new Faults(tamperRate, duplicateRate, conflictRate, dropRate, clockSkew, rebootEvery,
                    registerResetEvery);
            site = new Site(name, latitude, longitude, ZoneId.of(timezone), capacityW);
            if (devices < 1 || interval.isNegative() || interval.isZero() || speed < 0 || count < 0) {
                throw new IllegalArgumentException("--devices must be >= 1, --interval > 0, --speed and --count >= 0");
            }
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Simulator.Builder builder = Simulator.builder().stateDir(state).devices(devices).interval(interval)
                .faults(faults).seed(seed).site(site).outboxCapacity(outboxCapacity);
        Instant startAt = parseStart();
        if (replay != null) {
            ReplaySeries series = readReplay();
            Duration shift = startAt == null ? Duration.ZERO
                    : Duration.ofDays(ChronoUnit.DAYS.between(series.first().atZone(ZoneOffset.UTC).toLocalDate(),
                            startAt.atZone(ZoneOffset.UTC).toLocalDate()));
            Function<Installation, ProductionSource> factory = i -> series.toSource(i.capacityW()).shiftedBy(shift);
            builder.source(factory);
            err.printf("replaying %s: %d samples of %s (%s), %s .. %s, %d rows without value skipped%n", replay,
                    series.size(), series.column(), series.kind(), series.first().plus(shift),
                    series.last().plus(shift), series.skippedRows());
        } else {
            builder.start(startAt);
        }
        Simulator simulator = builder.build();
        long limit = count;
        if (duration != null) {
            long byDuration = Math.max(1, duration.toMillis() / interval.toMillis());
            limit = limit == 0 ? byDuration : Math.min(limit, byDuration);
        }
        for (SimulatedDevice device : simulator.devices()) {
            err.printf("device %d id=%s boot=%d register=%d mWh mac=%s start=%s public_key=%s%n", device.index(),
                    device.deviceIdHex(), device.boot(), device.registerMwh(), device.installation().meterMacHex(),
                    device.clock(), device.key().hex());
        }
        err.flush();

        InstallationRegistrar registrar = register == null ? null
                : new InstallationRegistrar(register, token, simulator.devices(), out, Duration.ofSeconds(30));
        Manifest manifestWriter = manifest == null ? null : new Manifest(manifest);
        Consumer<Emission> listener = manifestWriter == null ? e -> { } : manifestWriter;
        Transport transport = mqtt != null ? mqttTransport(delivery, simulator.devices().size())
                : http != null ? new HttpTransport(http, token) : new PrintTransport(out);
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop();
            try {
                finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "simulator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        long rounds;
        try {
            if (registrar != null) {
                registrar.attempt();
            }
            transport.open(simulator.devices(), listener);
            Runnable everyRound = () -> {
                if (registrar != null) {
                    registrar.attemptIfDue();
                }
                if (manifestWriter != null) {
                    manifestWriter.flush();
                }
            };
            rounds = simulator.run(transport, listener, limit, speed, running::get, everyRound,
                    catchUp ? Clock.systemUTC() : null);
            if (transport instanceof MqttTransport mqttTransport) {
                drain(mqttTransport, err);
            }
        } finally {
            transport.close();
            if (manifestWriter != null) {
                manifestWriter.close();
            }
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
        for (SimulatedDevice device : simulator.devices()) {
            err.printf("device %d id=%s boot=%d next_seq=%d register=%d mWh unacknowledged=%d dropped=%d%n",
                    device.index(), device.deviceIdHex(), device.boot(), device.seq(), device.registerMwh(),
                    device.store().buffer().size(), device.store().outboxDropped());
        }
        if (transport instanceof MqttTransport mqttTransport) {
            DeliveryCounters c = mqttTransport.counters();
            err.printf("delivery: sent=%d resent=%d injected=%d acks=%d stored=%d refused=%d unmatched_acks=%d "
                    + "invalid_acks=%d dropped=%d timeouts=%d%n", c.sent(), c.resent(), c.injected(), c.acks(),
                    c.storedNamed(), c.refusedNamed(), c.unmatchedAcks(), c.invalidAcks(), c.dropped(),
                    c.timeouts());
        }
        err.printf("%d rounds of %d devices%n", rounds, simulator.devices().size());
        err.flush();
        return 0;
    }

    /** Waits for acks to empty the outboxes, up to --drain-timeout, unless asked to stop. */
    private void drain(MqttTransport transport, PrintWriter err) throws InterruptedException {
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        while (running.get() && System.nanoTime() < deadline) {
            if (transport.awaitEmpty(Duration.ofMillis(Math.min(200, Math.max(1,
                    (deadline - System.nanoTime()) / 1_000_000))))) {
                return;
            }
        }
        if (!transport.awaitEmpty(Duration.ZERO)) {
            err.printf("outboxes not empty after %s: %s (kept for the next start)%n", drainTimeout,
                    transport.outboxSizes());
        }
    }

    private MqttTransport mqttTransport(DeliveryProtocol.Settings delivery, int deviceCount) {
        boolean secretGiven = spec.commandLine().getParseResult().hasMatchedOption("--mqtt-credentials-secret");
        String secret = mqttCredentialsSecret == null || mqttCredentialsSecret.isEmpty() ? null
                : mqttCredentialsSecret;
        if (mqttUsername != null) {
            if (secretGiven) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "choose --mqtt-credentials-secret or --mqtt-username/--mqtt-password, not both");
            }
            if (deviceCount != 1) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--mqtt-username is for a single device; use --mqtt-credentials-secret for a fleet");
            }
            secret = null;
        } else if (mqttPassword != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--mqtt-password needs --mqtt-username");
        }
        try {
            return MqttTransport.builder(mqtt).topicRoot(mqttTopicRoot).credentialsSecret(secret)
                    .credentials(mqttUsername, mqttPassword).delivery(delivery).build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private Instant parseStart() {
        if (start == null) {
            return null;
        }
        if (start.equalsIgnoreCase("now")) {
            return Instant.now().truncatedTo(ChronoUnit.SECONDS);
        }
        try {
            return Instant.parse(start);
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--start: '" + start
                    + "' is not an ISO instant such as 2024-06-21T04:00:00Z");
        }
    }

    private ReplaySeries readReplay() throws IOException {
        try {
            ZoneId zone;
            try {
                zone = replayZone == null ? null : ZoneId.of(replayZone);
            } catch (DateTimeException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--replay-zone: '" + replayZone
                        + "' is not a zone id such as Europe/Brussels");
            }
            return CsvReplayReader.read(replay, new CsvReplayReader.Options(zone, replayColumn));
        } catch (ReplayFormatException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--replay: " + e.getMessage());
        } catch (NoSuchFileException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--replay: no such file " + replay);
        }
    }
}
