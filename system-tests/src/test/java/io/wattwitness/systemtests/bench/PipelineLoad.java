package io.wattwitness.systemtests.bench;

import io.wattwitness.simulator.messaging.MqttTransport;
import io.wattwitness.simulator.service.Emission;
import io.wattwitness.simulator.service.Faults;
import io.wattwitness.simulator.service.SimulatedDevice;
import io.wattwitness.systemtests.support.Database;
import io.wattwitness.systemtests.support.ExpectedOutcomes.Identity;
import io.wattwitness.systemtests.support.Fleet;
import io.wattwitness.systemtests.support.PipelineStack;
import io.wattwitness.systemtests.support.Poll;
import io.wattwitness.systemtests.support.ServiceProcess;
import io.wattwitness.systemtests.support.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Load generator (not a test): N simulated devices publish M readings each as fast as the pipeline takes them:
 * Mosquitto → ingest-service → Kafka → verify-service → PostgreSQL, every part real and on loopback. Each device
 * behaves like the firmware (SPEC.md §6.2, the simulator's MQTT transport): every reading enters its outbox, at most
 * 40 are in flight here (sent, not yet named by an ack), and a reading no ack named within 5 s is sent again
 * (doubling back-off up to 60 s). The load generator keeps each outbox topped up to 80 readings (the persisted
 * outbox is rewritten on every ack, so a device holding its whole run would cost the generator more than the
 * pipeline), or, with an offered rate, hands the devices their readings in turn at that rate. Readings are signed
 * (on all cores) before the clock starts, so the figures are the pipeline's, not the signer's.
 * A warm-up fleet (10 devices × 500 readings) runs first so that the services' JIT compilers have compiled the
 * path (their C1/C2 threads otherwise take a large share of the measured CPU).
 * <p>
 * Reports: sustained verified readings per second (middle 80 % of completions), overall rate (first send to last
 * verification), end-to-end latency p50/p99 (first send → {@code verified_at}, and its two halves: send →
 * {@code received_at} at ingest, {@code received_at} → {@code verified_at}), CPU time per reading of each service
 * JVM, of the Kafka broker and of the load generator, and the machine's load average.
 * <p>
 * Usage: {@code PipelineLoad [devices=20] [readings per device=500] [report file=target/bench/pipeline-load.md]
 * [offered readings/s=0: as fast as acks allow] [replicas of each service=1]};
 * needs the packaged services (system properties {@code wattwitness.ingest.jar}, {@code wattwitness.verify.jar})
 * and the machine's PostgreSQL and Mosquitto (see {@link Settings}). Bounded: gives up waiting after 15 minutes.
 */
public final class PipelineLoad {

    private static final Logger LOG = Logger.getLogger(PipelineLoad.class.getName());
    private static final Duration MAX_WAIT = Duration.ofMinutes(15);
    private static final int WARMUP_DEVICES = 10;
    private static final int WARMUP_READINGS = 500;
    /** Most unacknowledged readings a device keeps in flight (its buffer); 20 devices x 40 stay below Mosquitto's
     *  default per-client queue of 1000, so the broker never drops what ingest has not taken yet. */
    private static final int WINDOW = 40;
    /** Readings kept in each outbox while the run feeds them (twice the window in flight). */
    private static final int FEED = 2 * WINDOW;
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration ACK_TIMEOUT_MAX = Duration.ofSeconds(60);

    private PipelineLoad() {
    }

    /**
     * @param args devices, readings per device, report file
     * @throws Exception when the pipeline cannot be started or the run does not complete in 15 minutes
     */
    public static void main(String[] args) throws Exception {
        int deviceCount = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int readings = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        Path report = Path.of(args.length > 2 ? args[2] : "target/bench/pipeline-load.md");
        int rate = args.length > 3 && !args[3].isBlank() ? Integer.parseInt(args[3].trim()) : 0;
        int replicas = args.length > 4 && !args[4].isBlank() ? Integer.parseInt(args[4].trim()) : 1;
        if (deviceCount < 1 || readings < 1 || rate < 0 || replicas < 1) {
            throw new IllegalArgumentException("devices, readings and replicas must be >= 1, the rate >= 0");
        }
        Settings settings = Settings.fromEnvironment();
        Path state = Files.createTempDirectory("ww-load-");
        try {
            run(settings, state, deviceCount, readings, rate, replicas, report);
        } finally {
            PipelineStack.deleteTree(state);
        }
    }

    private static void run(Settings settings, Path state, int deviceCount, int readings, int rate, int replicas,
            Path report) throws Exception {
        try (PipelineStack stack = PipelineStack.start(settings, "bench", replicas)) {
            Database database = new Database(settings);
            Map<Identity, Long> sentAt = new ConcurrentHashMap<>();
            try (MqttTransport mqtt = stack.deviceTransport().window(WINDOW).ackTimeout(ACK_TIMEOUT, ACK_TIMEOUT_MAX)
                    .listener(sent -> sentAt.putIfAbsent(new Identity(sent.topicDeviceId(),
                            sent.emission().boot(), sent.emission().seq()), sent.sentAtMs())).build()) {
                SignedFleet warmup = prepare(state.resolve("warmup"), WARMUP_DEVICES, WARMUP_READINGS, database);
                mqtt.open(warmup.devices(), e -> { });
                LOG.info("warm-up: " + WARMUP_DEVICES + " devices x " + WARMUP_READINGS + " readings");
                publish(mqtt, warmup, 0);
                awaitStored(database, warmup);

                SignedFleet run = prepare(state.resolve("run"), deviceCount, readings, database);
                mqtt.open(run.devices(), e -> { });
                Usage before = Usage.sample(stack, settings.database());
                long startMs = System.currentTimeMillis();
                LOG.info("load: " + deviceCount + " devices x " + readings + " readings "
                        + (rate == 0 ? "at full speed" : "offered at " + rate + " readings/s"));
                publish(mqtt, run, rate);
                long publishedMs = System.currentTimeMillis();
                awaitStored(database, run);
                Usage after = Usage.sample(stack, settings.database());
                RawVerification raw = RawVerification.measure(run, Duration.ofSeconds(5));
                LOG.info(() -> "raw verification: " + raw);

                List<Database.ReadingRow> rows = database.readings(run.ids());
                String text = report(deviceCount, readings, rate, replicas, rows, sentAt, startMs, publishedMs, before, after,
                        raw);
                Files.createDirectories(report.toAbsolutePath().getParent());
                Files.writeString(report, text, StandardCharsets.UTF_8);
                LOG.info("report written to " + report.toAbsolutePath() + "\n" + text);
            }
        }
    }

    private static SignedFleet prepare(Path state, int deviceCount, int readings, Database database) throws Exception {
        Instant start = Instant.now().minus(Fleet.INTERVAL.multipliedBy(readings)).minus(Duration.ofMinutes(1));
        List<SimulatedDevice> devices = new ArrayList<>();
        for (int i = 0; i < deviceCount; i++) {
            SimulatedDevice device = Fleet.device(state, i, start, Faults.NONE, 1);
            database.register(device);
            devices.add(device);
        }
        // signing is independent per device: both cores sign before the clock starts
        Map<SimulatedDevice, List<Emission>> emissions = new ConcurrentHashMap<>();
        devices.parallelStream().forEach(device -> {
            List<Emission> signed = new ArrayList<>(readings);
            for (int r = 0; r < readings; r++) {
                signed.addAll(device.next());
            }
            emissions.put(device, signed);
        });
        return new SignedFleet(devices, new HashMap<>(emissions));
    }

    /**
     * Hands every device's readings to the transport, then waits until every outbox is empty. With {@code rate} 0
     * they enter the outboxes at once (the window of {@link #WINDOW} readings in flight paces what goes out as acks
     * arrive); otherwise the devices take turns and readings enter the outboxes at {@code rate} per second (an
     * offered load: a pipeline that keeps up sends each at once).
     */
    private static void publish(MqttTransport mqtt, SignedFleet run, int rate) throws InterruptedException, IOException {
        if (rate == 0) {
            // top every outbox up to FEED readings as it drains: the devices always have a full window to send,
            // and their persisted outboxes (rewritten on every ack, like the firmware's flash) stay small
            Map<SimulatedDevice, Integer> next = new HashMap<>();
            int remaining = run.devices().size();
            while (remaining > 0) {
                boolean fed = false;
                remaining = 0;
                for (SimulatedDevice device : run.devices()) {
                    List<Emission> emissions = run.emissions().get(device);
                    int index = next.getOrDefault(device, 0);
                    while (index < emissions.size() && device.store().buffer().size() < FEED) {
                        mqtt.send(device, emissions.get(index++));
                        fed = true;
                    }
                    next.put(device, index);
                    remaining += index < emissions.size() ? 1 : 0;
                }
                if (!fed && remaining > 0) {
                    Thread.sleep(1);
                }
            }
        } else {
            long begin = System.nanoTime();
            long index = 0;
            int longest = run.emissions().values().stream().mapToInt(List::size).max().orElse(0);
            for (int r = 0; r < longest; r++) {
                for (SimulatedDevice device : run.devices()) {
                    List<Emission> emissions = run.emissions().get(device);
                    if (r >= emissions.size()) {
                        continue;
                    }
                    long due = begin + index * 1_000_000_000L / rate;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                    mqtt.send(device, emissions.get(r));
                    index++;
                }
            }
        }
        if (!mqtt.awaitEmpty(MAX_WAIT)) {
            throw new IOException("outboxes not empty after " + MAX_WAIT + ": " + mqtt.outboxSizes() + ", "
                    + mqtt.counters());
        }
        LOG.info(() -> "delivery: " + mqtt.counters());
    }

    private static void awaitStored(Database database, SignedFleet run) throws IOException {
        long want = run.size();
        Instant begin = Instant.now();
        Database.Counts counts = Poll.until(MAX_WAIT, Duration.ofMillis(250), () -> database.counts(run.ids()),
                c -> c.readings() >= want);
        if (counts == null || counts.readings() < want) {
            throw new IOException("only " + (counts == null ? 0 : counts.readings()) + " of " + want
                    + " readings stored after " + MAX_WAIT);
        }
        LOG.info(() -> want + " readings stored " + Duration.between(begin, Instant.now()) + " after publishing");
    }

    private static String report(int deviceCount, int readings, int rate, int replicas,
            List<Database.ReadingRow> rows,
            Map<Identity, Long> sentAt, long startMs, long publishedMs, Usage before, Usage after,
            RawVerification raw) {
        int n = rows.size();
        long[] endToEnd = new long[n];
        long[] toIngest = new long[n];
        long[] ingestToVerified = new long[n];
        long[] verifiedAt = new long[n];
        for (int i = 0; i < n; i++) {
            Database.ReadingRow row = rows.get(i);
            long sent = sentAt.get(new Identity(row.deviceId(), row.boot(), row.seq()));
            endToEnd[i] = row.verifiedAtMs() - sent;
            toIngest[i] = row.receivedAtMs() - sent;
            ingestToVerified[i] = row.verifiedAtMs() - row.receivedAtMs();
            verifiedAt[i] = row.verifiedAtMs();
        }
        long lastVerified = LoadFigures.percentile(verifiedAt, 100);
        double overall = n * 1000.0 / Math.max(1, lastVerified - startMs);
        double sustained = LoadFigures.sustainedRate(verifiedAt, 10, 90);
        double published = n * 1000.0 / Math.max(1, publishedMs - startMs);
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Run at %s, %d devices x %d readings = %d readings, all verified; %s.%n",
                Instant.ofEpochMilli(startMs), deviceCount, readings, n,
                (rate == 0 ? "devices send as fast as acks allow" : "offered load " + rate + " readings/s")
                        + "; " + replicas + " replica(s) of ingest-service and of verify-service"));
        out.append(String.format(Locale.ROOT, "Load average before / after: %s / %s (2 cores).%n%n",
                before.loadAverage(), after.loadAverage()));
        out.append("| figure | value |\n|---|---|\n");
        out.append(row("sustained verified readings/s (middle 80 % of completions)", "%.0f", sustained));
        out.append(row("overall verified readings/s (first send to last verification)", "%.0f", overall));
        out.append(row("devices' rate until ingest acknowledged everything, readings/s", "%.0f", published));
        out.append(row("end-to-end latency p50 / p99, ms (first send -> verified_at)", "%s",
                LoadFigures.percentile(endToEnd, 50) + " / " + LoadFigures.percentile(endToEnd, 99)));
        out.append(row("  send -> ingest received_at p50 / p99, ms", "%s",
                LoadFigures.percentile(toIngest, 50) + " / " + LoadFigures.percentile(toIngest, 99)));
        out.append(row("  received_at -> verified_at p50 / p99, ms", "%s",
                LoadFigures.percentile(ingestToVerified, 50) + " / " + LoadFigures.percentile(ingestToVerified, 99)));
        double total = 0;
        for (String part : after.cpu().keySet()) {
            Duration used = after.cpu().get(part).minus(before.cpu().getOrDefault(part, Duration.ZERO));
            double perReading = used.toNanos() / 1000.0 / n;
            total += perReading;
            out.append(row("CPU per reading, " + part + " (µs)", "%.0f", perReading));
        }
        out.append(row("CPU per reading, all of the above (µs)", "%.0f", total));
        out.append(row("raw verification, one thread, same run: readings/s of thread CPU (µs each)", "%s",
                String.format(Locale.ROOT, "%.0f (%.0f)", raw.perCpuSecond(), 1e6 / raw.perCpuSecond())));
        out.append(row("raw verification, one thread, same run: readings/s of wall time", "%.0f",
                raw.perWallSecond()));
        out.append(row("sustained rate / raw single-thread verification rate (CPU)", "%.3f",
                sustained / raw.perCpuSecond()));
        return out.toString();
    }

    private static String row(String name, String format, Object value) {
        return "| " + name + " | " + String.format(Locale.ROOT, format, value) + " |\n";
    }

    /**
     * CPU time of the parts at one instant, and the load average.
     *
     * @param cpu CPU time by part (ingest-service, verify-service, Kafka broker, load generator)
     * @param loadAverage {@code /proc/loadavg}'s first three fields
     */
    private record Usage(Map<String, Duration> cpu, String loadAverage) {

        static Usage sample(PipelineStack stack, String database) {
            Map<String, Duration> cpu = new LinkedHashMap<>();
            cpu.put("ingest-service", stack.ingests().stream().map(ServiceProcess::cpuTime)
                    .reduce(Duration.ZERO, Duration::plus));
            cpu.put("verify-service", stack.verifies().stream().map(ServiceProcess::cpuTime)
                    .reduce(Duration.ZERO, Duration::plus));
            cpu.put("Kafka broker", ProcessHandle.current().children()
                    .filter(child -> commandLine(child.pid()).contains("\0kafka.Kafka\0"))
                    .map(child -> child.info().totalCpuDuration().orElse(Duration.ZERO))
                    .reduce(Duration.ZERO, Duration::plus));
            cpu.put("load generator (devices)", ProcessHandle.current().info().totalCpuDuration()
                    .orElse(Duration.ZERO));
            Duration backends = Duration.ZERO;
            Duration server = Duration.ZERO;
            Duration mosquitto = Duration.ZERO;
            for (ProcessHandle process : ProcessHandle.allProcesses().toList()) {
                String command = commandLine(process.pid());
                if (command.startsWith("postgres: ")) {
                    // a backend's title is "postgres: <cluster>: <user> <database> <host>(<port>) <state>"
                    if (command.contains(" " + database + " ")) {
                        backends = backends.plus(ProcStat.cpu(process.pid()));
                    } else if (!command.matches("postgres: [^ ]+: [^ ]+ [^ ]+ [0-9.:]+\\(.*")) {
                        server = server.plus(ProcStat.cpu(process.pid()));
                    }
                } else if (command.contains("/bin/postgres\0")) {
                    server = server.plus(ProcStat.cpu(process.pid()));
                } else if (ProcStat.name(process.pid()).equals("mosquitto")) {
                    mosquitto = mosquitto.plus(ProcStat.cpu(process.pid()));
                }
            }
            cpu.put("PostgreSQL backends of the run's database", backends);
            cpu.put("PostgreSQL server processes (WAL writer, checkpointer…; shared machine)", server);
            cpu.put("Mosquitto (the machine's broker; shared machine)", mosquitto);
            String load;
            try {
                String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
                load = fields[0] + " " + fields[1] + " " + fields[2];
            } catch (IOException e) {
                load = "unknown";
            }
            return new Usage(cpu, load);
        }

        /** @return {@code /proc/<pid>/cmdline} (arguments separated by NUL), empty when unreadable */
        private static String commandLine(long pid) {
            try {
                return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                        StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }
    }
}
