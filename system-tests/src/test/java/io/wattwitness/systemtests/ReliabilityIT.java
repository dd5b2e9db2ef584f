package io.wattwitness.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.ReadingFlags;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.reading.ReadingStatus;
import io.wattwitness.simulator.messaging.MqttTransport;
import io.wattwitness.simulator.service.DeliveryCounters;
import io.wattwitness.simulator.service.Emission;
import io.wattwitness.simulator.service.Faults;
import io.wattwitness.simulator.service.SimulatedDevice;
import io.wattwitness.stack.DynsecControl;
import io.wattwitness.systemtests.support.Database;
import io.wattwitness.systemtests.support.Fleet;
import io.wattwitness.systemtests.support.Poll;
import io.wattwitness.systemtests.support.ReliabilityStack;
import io.wattwitness.systemtests.support.ServiceProcess;
import io.wattwitness.systemtests.support.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault catalogue of the delivery guarantee, against the real parts: the shipped Mosquitto configuration,
 * two ingest-service replicas on shared subscriptions, Kafka, verify-service and PostgreSQL
 * ({@link ReliabilityStack}). In each scenario a fresh fleet (20 devices by default) follows SPEC.md §6.2: each device
 * puts its 1,000 readings (the last 2.8 hours, as after an outage) into its outbox at once and publishes them as fast
 * as its window of 100 in-flight readings and the acks allow. A fault hits while the burst is under way (once the
 * database holds a quarter of the scenario's readings). Every scenario ends with every device's outbox empty (each
 * reading named by an ack) and, in the database, every reading exactly once: one row per identity, seq 0…999 of
 * each device, all verified, no conflict, nothing in quarantine. The broker never logs a dropped message.
 * <p>
 * Figures (publications, resends, duplicates absorbed by verify-service, time to drain) are written to
 * {@code target/reliability/reliability.md}. Fleet size and readings per device can be raised for a soak run with
 * {@code -Dreliability.devices=N -Dreliability.readings=M}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReliabilityIT {

    private static final Logger LOG = Logger.getLogger(ReliabilityIT.class.getName());
    private static final int DEVICES = Integer.getInteger("reliability.devices", 20);
    private static final int READINGS = Integer.getInteger("reliability.readings", 1000);
    private static final int WINDOW = 100;
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration ACK_TIMEOUT_MAX = Duration.ofSeconds(40);
    private static final double FAULT_AT = 0.25;
    private static final Duration DOWN = Duration.ofSeconds(3);
    private static final Duration DRAIN_LIMIT = Duration.ofMinutes(8);
    /** A valid ack no backend ever sends: it names every seq of boot 1. */
    private static final String FORGED_ACK = "{\"boot\":1,\"stored\":[[0,4294967295]],\"refused\":[]}";

    private static ReliabilityStack stack;
    private static Settings settings;
    private static final Map<String, String> TABLE = new LinkedHashMap<>();
    private static final AtomicInteger FLEETS = new AtomicInteger();
    /** Set while a scenario restarts verify-service: its duplicate counter then starts again from zero. */
    private static volatile boolean verifyRestarted;

    @TempDir
    static Path state;

    @BeforeAll
    static void startStack() throws Exception {
        settings = Settings.fromEnvironment();
        stack = ReliabilityStack.start(settings, "reliability", 2);
    }

    @AfterAll
    static void stopStack() throws IOException {
        try {
            writeTable();
        } finally {
            if (stack != null) {
                stack.close();
            }
        }
    }

    @Test
    @Order(1)
    void burstAfterAnOutage(TestReporter reporter) throws Exception {
        run("burst after a 2.8 h outage, all devices flush at once", () -> { }, reporter);
    }

    @Test
    @Order(2)
    void oneIngestReplicaKilledMidBurst(TestReporter reporter) throws Exception {
        // The other replica keeps taking the shared subscription's messages; the killed one's persistent session
        // keeps what the broker had handed it, delivered when it comes back with the same client id.
        run("kill -9 of one ingest-service replica (the other keeps running)", () -> {
            ServiceProcess ingest = stack.ingests().get(0);
            ingest.kill();
            Poll.pause(DOWN);
            ingest.restart();
            ingest.awaitReady(Duration.ofMinutes(3));
        }, reporter);
    }

    @Test
    @Order(3)
    void ingestKilledMidBurst(TestReporter reporter) throws Exception {
        run("kill -9 of both ingest-service replicas", () -> {
            for (ServiceProcess ingest : stack.ingests()) {
                ingest.kill();
            }
            Poll.pause(DOWN);
            for (ServiceProcess ingest : stack.ingests()) {
                ingest.restart();
            }
            for (ServiceProcess ingest : stack.ingests()) {
                ingest.awaitReady(Duration.ofMinutes(3));
            }
        }, reporter);
    }

    @Test
    @Order(4)
    void verifyKilledMidBurst(TestReporter reporter) throws Exception {
        run("kill -9 of verify-service", () -> {
            verifyRestarted = true;
            stack.verify().kill();
            Poll.pause(DOWN);
            stack.verify().restart();
            stack.verify().awaitReady(Duration.ofMinutes(3));
        }, reporter);
    }

    @Test
    @Order(5)
    void kafkaKilledMidBurst(TestReporter reporter) throws Exception {
        run("kill -9 of the Kafka broker", () -> stack.killAndRestartKafka(DOWN), reporter);
    }

    @Test
    @Order(6)
    void mosquittoKilledMidBurst(TestReporter reporter) throws Exception {
        run("kill -9 of Mosquitto, restarted with its persistence", () -> {
            stack.broker().kill9();
            Poll.pause(DOWN);
            stack.broker().restart();
        }, reporter);
    }

    @Test
    @Order(7)
    void postgresRestartedMidBurst(TestReporter reporter) throws Exception {
        run("PostgreSQL restarted (fast shutdown)", ReliabilityStack::restartPostgres, reporter);
    }

    @Test
    @Order(8)
    void hostilePublisherDuringABurst(TestReporter reporter) throws Exception {
        Path dir = Files.createDirectories(state.resolve("mallory"));
        SimulatedDevice mallory = Fleet.device(dir, 0, Instant.now().minus(Duration.ofHours(1)), Faults.NONE, 666);
        new Database(settings).register(mallory);
        stack.admit(List.of(mallory.deviceIdHex()));
        ConcurrentLinkedQueue<String> acksSeen = new ConcurrentLinkedQueue<>();
        List<String> victims = new ArrayList<>();
        List<MqttClient> witnesses = new ArrayList<>();
        try {
            run("hostile publisher: forged acks, other devices' topics, unsigned and garbage envelopes", fleet -> {
                fleet.forEach(device -> victims.add(device.deviceIdHex()));
                List<String> watched = new ArrayList<>(victims);
                watched.add(mallory.deviceIdHex());
                witnesses.addAll(witnesses(watched, acksSeen));
                attack(mallory, victims);
            }, reporter);
        } finally {
            for (MqttClient witness : witnesses) {
                witness.disconnect();
                witness.close();
            }
        }
        assertTrue(acksSeen.stream().noneMatch(FORGED_ACK::equals), "no forged ack reached any device");
        assertTrue(acksSeen.stream().noneMatch(a -> a.startsWith(mallory.deviceIdHex() + " ")),
                "no ack for the hostile device's unsigned, garbage or foreign envelopes: " + acksSeen.stream()
                        .filter(a -> a.startsWith(mallory.deviceIdHex())).toList());
        assertTrue(acksSeen.stream().anyMatch(a -> a.startsWith(victims.get(0) + " ")),
                "the witness saw the real acks of the victims");

        Database database = new Database(settings);
        assertEquals(0, database.readings(List.of(mallory.deviceIdHex())).size(), "nothing of the hostile device stored");
        Map<String, Integer> reasons = new TreeMap<>();
        for (Database.QuarantineRow row : Poll.until(Duration.ofMinutes(1), Duration.ofSeconds(1),
                () -> database.quarantine(List.of(mallory.deviceIdHex())), rows -> rows.size() >= 2)) {
            reasons.merge(row.stage() + "/" + row.reason(), 1, Integer::sum);
        }
        assertEquals(Map.of("ingest/malformed_json", 1, "verify/signature_range", 1), reasons,
                "the hostile device's own garbage and unsigned envelope are quarantined with their reasons; what it "
                        + "published on other devices' topics never reached ingest");
        for (String victim : victims) {
            assertEquals(0, database.quarantine(List.of(victim)).size(), "no quarantine row under victim " + victim);
        }
    }

    /** A fault injected while the burst is under way. */
    @FunctionalInterface
    private interface Fault {
        void inject() throws Exception;
    }

    /** A fault that needs the scenario's fleet. */
    @FunctionalInterface
    private interface FleetFault {
        void inject(List<SimulatedDevice> fleet) throws Exception;
    }

    private void run(String scenario, Fault fault, TestReporter reporter) throws Exception {
        run(scenario, fleet -> fault.inject(), reporter);
    }

    private void run(String scenario, FleetFault fault, TestReporter reporter) throws Exception {
        Database database = new Database(settings);
        Path dir = Files.createDirectories(state.resolve("fleet-" + FLEETS.incrementAndGet()));
        Instant start = Instant.now().minus(Fleet.INTERVAL.multipliedBy(READINGS)).minus(Duration.ofMinutes(2));
        List<SimulatedDevice> devices = new ArrayList<>();
        Map<SimulatedDevice, List<Emission>> outage = new LinkedHashMap<>();
        for (int i = 0; i < DEVICES; i++) {
            SimulatedDevice device = Fleet.device(dir, i, start, Faults.NONE, 1000L * FLEETS.get() + i);
            devices.add(device);
            database.register(device);
            List<Emission> readings = new ArrayList<>(READINGS);
            for (int r = 0; r < READINGS; r++) {
                readings.addAll(device.next());
            }
            outage.put(device, readings);
        }
        List<String> ids = devices.stream().map(SimulatedDevice::deviceIdHex).toList();
        stack.admit(ids);
        double duplicatesBefore = stack.verify().metric("verify_duplicates_total");
        int droppedBefore = stack.broker().count("dropped");
        long total = (long) DEVICES * READINGS;

        MqttTransport transport = MqttTransport.builder(stack.broker().serverUri())
                .topicRoot(ReliabilityStack.TOPIC_ROOT)
                .credentialsSecret(stack.deviceSecret())
                .window(WINDOW)
                .ackTimeout(ACK_TIMEOUT, ACK_TIMEOUT_MAX)
                .reconnectDelay(Duration.ofMillis(200), Duration.ofSeconds(2))
                .build();
        Instant burst;
        long storedAtFault;
        Duration drain;
        try {
            transport.open(devices, emission -> { });
            burst = Instant.now();
            for (Map.Entry<SimulatedDevice, List<Emission>> device : outage.entrySet()) {
                for (Emission emission : device.getValue()) {
                    transport.send(device.getKey(), emission);
                }
            }
            transport.flush();
            storedAtFault = Poll.until(DRAIN_LIMIT, Duration.ofMillis(200), () -> database.counts(ids).readings(),
                    stored -> stored >= total * FAULT_AT);
            assertTrue(storedAtFault < total, "the fault hits while the burst is under way (" + storedAtFault
                    + " of " + total + " stored)");
            fault.inject(devices);
            boolean drained = transport.awaitEmpty(DRAIN_LIMIT);
            drain = Duration.between(burst, Instant.now());
            assertTrue(drained, () -> "every outbox emptied by acks; left: " + transport.outboxSizes());
        } finally {
            DeliveryCounters counters = transport.counters();
            TABLE.put(scenario, row(counters, transport, duplicatesBefore));
            transport.close();
        }
        DeliveryCounters counters = transport.counters();

        List<Database.ReadingRow> rows = database.readings(ids);
        Set<String> identities = new HashSet<>();
        Map<String, Integer> perDevice = new HashMap<>();
        for (Database.ReadingRow row : rows) {
            assertTrue(identities.add(row.deviceId() + "/" + row.boot() + "/" + row.seq()), "stored twice: " + row);
            assertEquals(ReadingStatus.VERIFIED, row.status(), "status of " + row);
            assertEquals(1, row.boot(), "boot of " + row);
            assertTrue(row.seq() >= 0 && row.seq() < READINGS, "seq of " + row);
            perDevice.merge(row.deviceId(), 1, Integer::sum);
        }
        for (String id : ids) {
            assertEquals(READINGS, perDevice.getOrDefault(id, 0), "readings stored of device " + id);
        }
        assertEquals(total, rows.size(), "every reading stored exactly once");
        Database.Counts counts = database.counts(ids);
        assertEquals(0, counts.conflicts(), "no conflict");
        assertEquals(0, counts.quarantined(), "nothing quarantined");
        assertEquals(total, counters.sent(), "each reading published once before any resend");
        assertEquals(total, counters.storedNamed(), "each reading named stored by exactly one ack that removed it");
        assertEquals(0, counters.refusedNamed(), "nothing refused");
        assertEquals(0, counters.dropped(), "no outbox overflowed");
        assertEquals(0, counters.invalidAcks(), "no invalid ack reached a device");
        assertEquals(droppedBefore, stack.broker().count("dropped"), "the broker dropped no message");

        String summary = scenario + ": " + TABLE.get(scenario) + ", fault at " + storedAtFault + " stored, drained in "
                + drain.toMillis() + " ms";
        TABLE.put(scenario, TABLE.get(scenario) + " | " + storedAtFault + " | " + seconds(drain));
        reporter.publishEntry("reliability", summary);
        LOG.info(summary);
    }

    private static String row(DeliveryCounters counters, MqttTransport transport, double duplicatesBefore) {
        double duplicates;
        try {
            duplicates = verifyRestarted ? Double.NaN
                    : stack.verify().metric("verify_duplicates_total") - duplicatesBefore;
        } catch (IOException e) {
            duplicates = Double.NaN;
        }
        verifyRestarted = false;
        long stored = counters.storedNamed();
        return (long) DEVICES * READINGS + " | " + stored + " | " + (counters.sent() + counters.resent()) + " | "
                + counters.resent() + " (" + counters.timeouts() + " after a timeout) | "
                + (duplicates >= 0 ? Long.toString((long) duplicates) : "n/a (counter restarted with verify)") + " | "
                + counters.dropped() + " | " + transport.outboxSizes().values().stream().mapToInt(i -> i).sum();
    }

    private static String seconds(Duration duration) {
        return String.format(java.util.Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    private static void writeTable() throws IOException {
        Path out = Path.of("target", "reliability", "reliability.md");
        Files.createDirectories(out.getParent());
        StringBuilder text = new StringBuilder("| scenario | readings | stored (acked) | publications | resends | "
                + "duplicates absorbed by verify | outbox drops | left in outboxes | stored when the fault hit | "
                + "time to drain |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        TABLE.forEach((scenario, row) -> text.append("| ").append(scenario).append(" | ").append(row).append(" |\n"));
        Files.writeString(out, text.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING);
        LOG.info("reliability table:\n" + text);
    }

    /**
     * One witness account, made for the test through the broker's dynamic-security administration (a role that may
     * subscribe to and receive every device's {@code ack} topic, nothing else; a device account cannot: SPEC.md §6.3),
     * subscribed to {@code <root>/+/ack}; records {@code <device id> <payload>} of every ack of the watched devices.
     */
    private static List<MqttClient> witnesses(List<String> deviceIds, ConcurrentLinkedQueue<String> seen)
            throws Exception {
        String acks = ReliabilityStack.TOPIC_ROOT + "/+/ack";
        String password = Long.toHexString(System.nanoTime()) + "-witness";
        try (DynsecControl control = stack.broker().control()) {
            ObjectNode role = DynsecControl.command("createRole").put("rolename", "wwrel-ack-witness");
            ObjectNode subscribe = DynsecControl.command("addRoleACL").put("rolename", "wwrel-ack-witness")
                    .put("acltype", "subscribePattern").put("topic", acks).put("allow", true);
            ObjectNode receive = DynsecControl.command("addRoleACL").put("rolename", "wwrel-ack-witness")
                    .put("acltype", "publishClientReceive").put("topic", acks).put("allow", true);
            ObjectNode client = DynsecControl.command("createClient").put("username", "wwrel-ack-witness")
                    .put("password", password);
            client.putArray("roles").addObject().put("rolename", "wwrel-ack-witness");
            control.executeAll(List.of(role, subscribe, receive, client));
        }
        Set<String> watched = Set.copyOf(deviceIds);
        MqttClient witness = new MqttClient(stack.broker().serverUri(), "wwrel-ack-witness", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setUserName("wwrel-ack-witness");
        options.setPassword(password.toCharArray());
        witness.connect(options);
        witness.subscribe(acks, 1, (topic, message) -> {
            String id = topic.substring(ReliabilityStack.TOPIC_ROOT.length() + 1, topic.lastIndexOf('/'));
            if (watched.contains(id)) {
                seen.add(id + " " + new String(message.getPayload(), StandardCharsets.UTF_8));
            }
        });
        return List.of(witness);
    }

    /**
     * What a holder of one device's credentials tries against everyone else: anonymous and wrong-password
     * connections, forged acks on other devices' ack topics, its own signed reading and a forged status on other
     * devices' topics, and on its own topic an unsigned envelope claiming boot 0xFFFFFFFF seq 0 and garbage.
     */
    private static void attack(SimulatedDevice mallory, List<String> victims) throws Exception {
        String root = ReliabilityStack.TOPIC_ROOT;
        MqttException anonymous = assertThrows(MqttException.class, () -> connect(null, null));
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, anonymous.getReasonCode(), "anonymous refused");
        MqttException wrongPassword = assertThrows(MqttException.class,
                () -> connect(victims.get(0), stack.devicePassword(mallory.deviceIdHex())));
        assertTrue(wrongPassword.getReasonCode() == MqttException.REASON_CODE_FAILED_AUTHENTICATION
                || wrongPassword.getReasonCode() == MqttException.REASON_CODE_NOT_AUTHORIZED,
                "a victim's id with another password refused: " + wrongPassword.getReasonCode());

        MqttClient client = connect(mallory.deviceIdHex(), stack.devicePassword(mallory.deviceIdHex()));
        try {
            Emission own = mallory.next().get(0);
            for (String victim : victims) {
                client.publish(root + "/" + victim + "/ack", FORGED_ACK.getBytes(StandardCharsets.UTF_8), 1, false);
                client.publish(root + "/" + victim + "/readings", own.envelope().toJson()
                        .getBytes(StandardCharsets.UTF_8), 1, false);
                client.publish(root + "/" + victim + "/status", "{\"state\":\"offline\",\"boot\":1}"
                        .getBytes(StandardCharsets.UTF_8), 1, false);
            }
            ReadingMessage claim = new ReadingMessage(mallory.key().deviceId(), mallory.installation().meterMac(),
                    0xFFFF_FFFFL, 0, System.currentTimeMillis(), 1_000, 1_000, ReadingFlags.CLOCK_SYNCED);
            Envelope unsigned = new Envelope(claim.encode(), new byte[64]);
            client.publish(root + "/" + mallory.deviceIdHex() + "/readings",
                    unsigned.toJson().getBytes(StandardCharsets.UTF_8), 1, false);
            client.publish(root + "/" + mallory.deviceIdHex() + "/readings",
                    "this is not an envelope".getBytes(StandardCharsets.UTF_8), 1, false);
        } finally {
            client.disconnect();
            client.close();
        }
    }

    /** Connects with the account's own client id (device accounts are bound to it), or a random one when anonymous. */
    private static MqttClient connect(String username, String password) throws MqttException {
        MqttClient client = new MqttClient(stack.broker().serverUri(),
                username != null ? username : "wwrel-hostile-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setConnectionTimeout(10);
        // Paho counts a QoS 1 publish in flight until after its synchronous publish returns, so back-to-back
        // publishes can exceed its default window of 10 ("Too many publishes in progress"); the attack sends
        // fewer than this many messages in all
        options.setMaxInflight(1000);
        if (username != null) {
            options.setUserName(username);
            options.setPassword(password.toCharArray());
        }
        try {
            client.connect(options);
        } catch (MqttException e) {
            client.close();
            throw e;
        }
        return client;
    }
}
