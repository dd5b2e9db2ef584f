package io.wattwitness.verify.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattwitness.reading.DeviceAck;
import io.wattwitness.reading.DeviceSigner;
import io.wattwitness.reading.Hex;
import io.wattwitness.reading.ReadingFlags;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.verify.repository.StoredReading;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Property: for any arrival order (and any split into polls) of the records of spec-following devices, the rules
 * give the same end state: readings with their messages, status, code and late flag; quarantine rows (reason,
 * device, envelope); and the union of the acks. The "database" here applies the planner's decisions exactly as
 * {@link ReadingStore} writes them (insert, register re-evaluation, dispute, quarantine once per envelope and
 * reason), seeded for each poll with the same neighbours {@code ReadingRepository.findAround} loads.
 * <p>
 * Each scenario: device A has a stored history (received on time, long before the burst), then an outage of four
 * days spanning the age limit with a reboot in it, and after it a burst: every outage reading (the oldest ones late),
 * fresh readings of the new boot, register restarts, resends of readings of both boots, Kafka redeliveries and one
 * equivocation (a second validly signed message for one identity). Device B has no history: its readings older than
 * the age limit are refused in every order, its fresh ones stored.
 */
class OrderIndependenceTest {

    private static final long HOUR = 3_600_000L;
    private static final long BURST = TestReadings.T0 + 30 * 24 * HOUR;
    private static final int ORDERS = 150;

    /** Signature checks are done once per record (they are pure and cost a millisecond each). */
    private static final Map<Arrival, Checked> CHECKED = new IdentityHashMap<>();

    /** One record as it arrives on readings.raw. */
    private record Arrival(String deviceId, String envelope, long receivedAtMs, DeviceSigner signer) {
        Checked checked() {
            return CHECKED.computeIfAbsent(this, arrival -> ReadingChecker.verify(ReadingChecker.parse(
                    TestReadings.raw(deviceId, envelope, receivedAtMs)), TestReadings.registry(7, signer)));
        }
    }

    private record Scenario(List<Arrival> history, List<Arrival> burst) {
    }

    @Test
    void everyArrivalOrderEndsInTheSameState() {
        for (long seed = 1; seed <= 4; seed++) {
            Random random = new Random(seed);
            Scenario scenario = scenario(random);
            Snapshot expected = run(scenario, scenario.burst(), List.of(scenario.burst().size()));
            expected.checkSanity();
            for (int order = 0; order < ORDERS; order++) {
                List<Arrival> shuffled = new ArrayList<>(scenario.burst());
                Collections.shuffle(shuffled, random);
                Snapshot actual = run(scenario, shuffled, pollSizes(random, shuffled.size()));
                assertEquals(expected, actual, "seed " + seed + ", order " + order);
            }
        }
    }

    @Test
    void theCanonicalOrderGivesTheExpectedVerdicts() {
        Scenario scenario = scenario(new Random(7));
        Snapshot state = run(scenario, scenario.burst(), List.of(scenario.burst().size()));
        state.checkSanity();
        assertTrue(state.rows.values().stream().anyMatch(row -> row.contains("/late")), "some readings are late");
        assertEquals(1, state.rows.values().stream().filter(row -> row.startsWith("disputed/equivocation")).count(),
                "one is disputed");
        assertTrue(state.quarantine.stream().allMatch(q -> q.startsWith("too_old/")), "only B's old readings");
        assertTrue(state.acks.stream().anyMatch(ack -> ack.endsWith("/refused")), "B's old readings are refused");
        assertTrue(state.rows.values().stream().noneMatch(row -> row.startsWith("anomaly")),
                "an honest device has no register anomaly once all its readings are in: " + state.rows);
    }

    // --- generation ---------------------------------------------------------------------------------------------

    private static Scenario scenario(Random random) {
        DeviceSigner a = TestReadings.newDevice();
        DeviceSigner b = TestReadings.newDevice();
        List<Arrival> history = new ArrayList<>();
        List<Arrival> burst = new ArrayList<>();

        // device A: boot 3 from 8 days before the burst, every 2 hours; the history ends 4 days before the burst
        long boot = 3;
        long seq = 0;
        long energy = 10_000;
        long time = BURST - 8 * 24 * HOUR;
        long outageStart = BURST - 4 * 24 * HOUR;
        long reboot = BURST - 2 * 24 * HOUR + random.nextInt(3) * HOUR;
        List<ReadingMessage> resendable = new ArrayList<>();
        ReadingMessage equivocated = null;
        while (time < BURST - 60_000) {
            int flags = ReadingFlags.CLOCK_SYNCED;
            if (time >= reboot && boot == 3) {
                boot = 4;
                seq = 0;
                flags |= ReadingFlags.FIRST_AFTER_BOOT;
            }
            if (random.nextInt(6) == 0) {
                energy = random.nextInt(50);
                flags |= ReadingFlags.REGISTER_RESTARTED;
            } else {
                energy += random.nextInt(400);
            }
            ReadingMessage message = message(a, boot, seq, time, energy, flags);
            String envelope = TestReadings.envelope(a, message);
            if (time < outageStart) {
                history.add(new Arrival(id(a), envelope, time + 1_000, a));
            } else {
                burst.add(new Arrival(id(a), envelope, BURST, a));
                resendable.add(message);
                if (equivocated == null && boot == 4 && seq == 2) {
                    equivocated = message;
                }
            }
            seq++;
            time += 2 * HOUR;
            // keep reading times away from the age limit of the burst's receive times, so that a resend is judged
            // old or fresh exactly like its first copy
            if (Math.abs(time - (BURST - 72 * HOUR)) < 20 * 60_000L) {
                time += 40 * 60_000L;
            }
        }
        // resends (new receive time, same bytes) and Kafka redeliveries (same record twice)
        for (int i = 0; i < 8; i++) {
            ReadingMessage message = resendable.get(random.nextInt(resendable.size()));
            burst.add(new Arrival(id(a), TestReadings.envelope(a, message), BURST + 30_000 * (1 + random.nextInt(10)), a));
        }
        for (int i = 0; i < 4; i++) {
            burst.add(burst.get(random.nextInt(burst.size())));
        }
        // resends of history readings that are still inside the age limit at the burst would be duplicates; one that
        // is older is a duplicate as well (identity comes first)
        burst.add(new Arrival(id(a), history.get(history.size() - 1).envelope(), BURST, a));
        // one equivocation: same identity, time and register, another power value, validly signed
        ReadingMessage other = new ReadingMessage(equivocated.deviceId(), equivocated.meterId(), equivocated.boot(),
                equivocated.seq(), equivocated.timestampMs(), equivocated.powerMw() + 1, equivocated.energyMwh(),
                equivocated.flags());
        burst.add(new Arrival(id(a), TestReadings.envelope(a, other), BURST + 5_000, a));

        // device B: no history; 5 readings older than the age limit, then 4 fresh ones
        long bTime = BURST - 80 * HOUR;
        for (int s = 0; s < 9; s++) {
            burst.add(new Arrival(id(b), TestReadings.envelope(b, message(b, 1, s, bTime, 100 + s, 1)), BURST, b));
            bTime += s < 4 ? HOUR : (s == 4 ? 70 * HOUR : HOUR);
        }
        return new Scenario(history, burst);
    }

    private static ReadingMessage message(DeviceSigner device, long boot, long seq, long time, long energy, int flags) {
        return new ReadingMessage(device.publicKey().deviceId(), 0x34945a1b2c3dL, boot, seq, time, 1_500_000L,
                energy, flags);
    }

    private static String id(DeviceSigner device) {
        return device.publicKey().deviceIdHex();
    }

    private static List<Integer> pollSizes(Random random, int total) {
        List<Integer> sizes = new ArrayList<>();
        int left = total;
        while (left > 0) {
            int size = Math.min(left, 1 + random.nextInt(random.nextBoolean() ? 3 : 20));
            sizes.add(size);
            left -= size;
        }
        return sizes;
    }

    // --- the database model -------------------------------------------------------------------------------------

    private static final class Row {
        final long id;
        final long boot;
        final long seq;
        final long timestampMs;
        final long energyMwh;
        final int flags;
        final byte[] message;
        final Set<String> messages = new TreeSet<>();
        final boolean late;
        String status;
        String error;

        Row(long id, PendingReading pending) {
            ReadingMessage m = pending.candidate().message();
            this.id = id;
            this.boot = m.boot();
            this.seq = m.seq();
            this.timestampMs = m.timestampMs();
            this.energyMwh = m.energyMwh();
            this.flags = m.flags();
            this.message = pending.candidate().reading().message();
            this.messages.add(Hex.encode(message));
            this.late = pending.late();
            this.status = pending.status();
            this.error = pending.verificationError();
        }

        StoredReading stored(String deviceId) {
            return new StoredReading(id, deviceId, boot, seq, timestampMs, energyMwh, flags, message, status, error);
        }

        @Override
        public String toString() {
            return status + "/" + error + (late ? "/late" : "") + messages;
        }
    }

    /** The comparable end state. */
    private static final class Snapshot {
        final Map<String, String> rows = new TreeMap<>();
        final Set<String> quarantine = new TreeSet<>();
        final Set<String> acks = new TreeSet<>();

        void checkSanity() {
            for (String ack : acks) {
                String reading = ack.substring(0, ack.lastIndexOf('/'));
                assertTrue(ack.endsWith("/stored") == rows.containsKey(reading), "ack " + ack + " vs rows");
            }
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Snapshot s && rows.equals(s.rows) && quarantine.equals(s.quarantine)
                    && acks.equals(s.acks);
        }

        @Override
        public int hashCode() {
            return rows.hashCode();
        }

        @Override
        public String toString() {
            return "rows " + rows + "\nquarantine " + quarantine + "\nacks " + acks;
        }
    }

    private static final class Database {
        final Map<String, TreeMap<String, Row>> devices = new HashMap<>();
        final Map<Long, Row> byId = new HashMap<>();
        final Set<String> quarantine = new TreeSet<>();
        final Set<String> acks = new TreeSet<>();
        long nextId = 1;

        private static String key(long boot, long seq) {
            return String.format("%010d/%010d", boot, seq);
        }

        List<StoredReading> around(List<Checked> poll) {
            Map<Long, StoredReading> known = new HashMap<>();
            for (Checked checked : poll) {
                if (checked instanceof Checked.Accepted accepted) {
                    TreeMap<String, Row> rows = devices.getOrDefault(accepted.deviceId(), new TreeMap<>());
                    String k = key(accepted.message().boot(), accepted.message().seq());
                    for (Map.Entry<String, Row> entry : new ArrayList<>(Arrays.asList(rows.lowerEntry(k),
                            rows.ceilingEntry(k), rows.higherEntry(k)))) {
                        if (entry != null) {
                            known.put(entry.getValue().id, entry.getValue().stored(accepted.deviceId()));
                        }
                    }
                }
            }
            return new ArrayList<>(known.values());
        }

        void apply(List<Checked> poll) {
            PollPlanner planner = new PollPlanner(ReadingRules.defaults(), around(poll));
            for (Checked checked : poll) {
                if (checked instanceof Checked.Accepted accepted) {
                    planner.plan(accepted);
                } else {
                    planner.reject((Checked.Rejected) checked);
                }
            }
            // as ReadingStore.write: inserts, re-evaluations, conflicts and disputes, quarantine
            for (Decision decision : planner.decisions()) {
                if (decision instanceof Decision.Store store) {
                    Row row = new Row(nextId++, store.reading());
                    store.reading().assignId(row.id);
                    byId.put(row.id, row);
                    devices.computeIfAbsent(store.reading().candidate().deviceId(), d -> new TreeMap<>())
                            .put(key(row.boot, row.seq), row);
                }
            }
            for (PollPlanner.Reevaluation verdict : planner.reevaluations()) {
                Row row = byId.get(verdict.readingId());
                if (!"disputed".equals(row.status)) {
                    row.status = verdict.status();
                    row.error = verdict.verificationError();
                }
            }
            for (Decision decision : planner.decisions()) {
                if (decision instanceof Decision.Conflict conflict) {
                    Row row = byId.get(conflict.readingId());
                    row.messages.add(Hex.encode(conflict.candidate().reading().message()));
                    row.status = "disputed";
                    row.error = "equivocation";
                } else if (decision instanceof Decision.Quarantine q) {
                    quarantine.add(q.rejected().reason() + "/" + q.rejected().deviceId() + "/"
                            + Hex.encode(q.rejected().raw().value()));
                }
            }
            for (AckPlan.DeviceAckRecord record : AckPlan.of(planner.decisions())) {
                DeviceAck ack = record.ack();
                for (DeviceAck.SeqRange range : ack.stored()) {
                    for (long s = range.first(); s <= range.last(); s++) {
                        acks.add(record.deviceId() + "/" + key(ack.boot(), s) + "/stored");
                    }
                }
                for (DeviceAck.SeqRange range : ack.refused()) {
                    for (long s = range.first(); s <= range.last(); s++) {
                        acks.add(record.deviceId() + "/" + key(ack.boot(), s) + "/refused");
                    }
                }
            }
        }

        Snapshot snapshot() {
            Snapshot snapshot = new Snapshot();
            for (Map.Entry<String, TreeMap<String, Row>> device : devices.entrySet()) {
                for (Map.Entry<String, Row> row : device.getValue().entrySet()) {
                    snapshot.rows.put(device.getKey() + "/" + row.getKey(), row.getValue().toString());
                }
            }
            snapshot.quarantine.addAll(quarantine);
            snapshot.acks.addAll(acks);
            return snapshot;
        }
    }

    private static Snapshot run(Scenario scenario, List<Arrival> burst, List<Integer> pollSizes) {
        Database database = new Database();
        for (Arrival arrival : scenario.history()) {
            database.apply(List.of(arrival.checked()));
        }
        database.acks.clear();
        int next = 0;
        for (int size : pollSizes) {
            List<Checked> poll = new ArrayList<>(size);
            for (Arrival arrival : burst.subList(next, next + size)) {
                poll.add(arrival.checked());
            }
            database.apply(poll);
            next += size;
        }
        return database.snapshot();
    }
}
