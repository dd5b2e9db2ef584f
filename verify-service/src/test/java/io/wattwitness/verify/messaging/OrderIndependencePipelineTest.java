package io.wattwitness.verify.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.wattwitness.kafka.KafkaBrokerTestResource;
import io.wattwitness.reading.DeviceSigner;
import io.wattwitness.reading.ReadingFlags;
import io.wattwitness.reading.ReadingFormatException;
import io.wattwitness.reading.ReadingMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The same readings of one device, fed in three different orders (three devices with identical sequences and
 * their own keys) through Kafka and the running service into PostgreSQL: the final rows (readings with status,
 * code and late flag, conflicts, quarantine reasons) and the union of the acks are the same. The sequence: a stored
 * history, then after a four-day outage with a reboot in it a burst of the outage readings (the oldest ones late),
 * a register restart, resends, a Kafka redelivery and an equivocation.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerTestResource.class)
@WithTestResource(TestDatabaseResource.class)
class OrderIndependencePipelineTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final long HOUR = 3_600_000L;

    /** One reading of the shared sequence; the device fills in its id and signs. */
    private record Planned(long boot, long seq, long timeMs, long powerMw, long energyMwh, int flags, long receivedAtMs) {
        ReadingMessage message(DeviceSigner device) {
            return PipelineKit.message(device, boot, seq, timeMs, powerMw, energyMwh, flags);
        }
    }

    @Test
    void threeArrivalOrdersEndInTheSameRowsAndAcks() throws Exception {
        long now = System.currentTimeMillis();
        List<Planned> history = new ArrayList<>();
        List<Planned> burst = new ArrayList<>();
        long energy = 1_000;
        for (int s = 0; s < 6; s++) {
            long time = now - 8 * 24 * HOUR + s * 2 * HOUR;
            energy += 100;
            history.add(new Planned(3, s, time, 500_000, energy, 1, time + 1_000));
        }
        long boot = 3;
        long seq = 6;
        for (long time = now - 96 * HOUR + HOUR / 2; time < now - HOUR; time += 6 * HOUR) {
            int flags = ReadingFlags.CLOCK_SYNCED;
            if (boot == 3 && time > now - 48 * HOUR) {
                boot = 4;
                seq = 0;
                flags |= ReadingFlags.FIRST_AFTER_BOOT;
            }
            if (burst.size() == 5) {
                energy = 7;
                flags |= ReadingFlags.REGISTER_RESTARTED;
            } else {
                energy += 250;
            }
            burst.add(new Planned(boot, seq++, time, 400_000, energy, flags, now));
        }
        // resends (later receive time), a Kafka redelivery (same receive time), an equivocation
        for (int index : new int[] {1, 4, 9}) {
            Planned p = burst.get(index);
            burst.add(new Planned(p.boot(), p.seq(), p.timeMs(), p.powerMw(), p.energyMwh(), p.flags(), now + 60_000));
        }
        burst.add(burst.get(6));
        Planned equivocated = burst.get(burst.size() - 8);
        burst.add(new Planned(equivocated.boot(), equivocated.seq(), equivocated.timeMs(), equivocated.powerMw() + 1,
                equivocated.energyMwh(), equivocated.flags(), now + 5_000));
        Planned marker = new Planned(boot, seq, now - 1_000, 1, energy + 1, 1, now + 120_000);

        List<List<Planned>> orders = new ArrayList<>();
        orders.add(new ArrayList<>(burst));
        List<Planned> reversed = new ArrayList<>(burst);
        Collections.reverse(reversed);
        orders.add(reversed);
        List<Planned> shuffled = new ArrayList<>(burst);
        Collections.shuffle(shuffled, new Random(42));
        orders.add(shuffled);

        List<String> ids = new ArrayList<>();
        try (PipelineKit kit = new PipelineKit()) {
            for (List<Planned> order : orders) {
                DeviceSigner device = DeviceSigner.generate(PipelineKit.RANDOM);
                PipelineKit.registerInstallation(device);
                String id = device.publicKey().deviceIdHex();
                ids.add(id);
                kit.send(records(device, history));
                PipelineKit.await("history of " + id + " stored", WAIT,
                        () -> PipelineKit.count("SELECT count(*) FROM readings WHERE device_id = ?", id) == 6);
                List<Planned> all = new ArrayList<>(order);
                all.add(marker);
                kit.send(records(device, all));
            }
            // the marker is the last record of each device's partition: once it is acked, everything before it is done
            List<PipelineKit.DeviceAckRecord> acks = PipelineKit.acks(ids, seen -> ids.stream().allMatch(id -> seen.stream()
                    .anyMatch(ack -> ack.deviceId().equals(id) && ack.boot() == marker.boot()
                            && ack.names("stored", marker.seq()))), WAIT);

            List<Map<String, Object>> states = new ArrayList<>();
            for (String id : ids) {
                states.add(state(id, acks));
            }
            assertEquals(states.get(0), states.get(1), "canonical vs reversed order");
            assertEquals(states.get(0), states.get(2), "canonical vs shuffled order");

            @SuppressWarnings("unchecked")
            List<String> rows = (List<String>) states.get(0).get("readings");
            assertEquals(6 + burst.size() - 5 + 1, rows.size(), "rows: " + rows);
            assertTrue(rows.stream().anyMatch(row -> row.endsWith("late=true")), "rows: " + rows);
            assertEquals(1, rows.stream().filter(row -> row.contains("disputed/equivocation")).count(), "rows: " + rows);
            assertTrue(rows.stream().noneMatch(row -> row.contains("anomaly")), "rows: " + rows);
            assertEquals(List.of(), states.get(0).get("quarantine"));
        }
    }

    private static List<ProducerRecord<String, byte[]>> records(DeviceSigner device, List<Planned> planned) {
        String id = device.publicKey().deviceIdHex();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (Planned p : planned) {
            records.add(PipelineKit.record(PipelineKit.topic("readings-raw"), id,
                    PipelineKit.envelope(device, p.message(device)), p.receivedAtMs()));
        }
        return records;
    }

    /** Everything about one device that must not depend on arrival order, without its id and keys. */
    private static Map<String, Object> state(String id, List<PipelineKit.DeviceAckRecord> acks) {
        Map<String, Object> state = new TreeMap<>();
        state.put("readings", PipelineKit.query("SELECT boot, seq, timestamp_ms, power_mw, energy_mwh, flags, status,"
                + " verification_error, late, (SELECT count(*) FROM reading_conflicts c WHERE c.reading_id = r.id)"
                + " AS conflicts, (SELECT c.message FROM reading_conflicts c WHERE c.reading_id = r.id ORDER BY c.id LIMIT 1) AS other"
                + " FROM readings r WHERE device_id = ? ORDER BY boot, seq", id).stream()
                .map(row -> row.get("boot") + "/" + row.get("seq") + " t=" + row.get("timestamp_ms") + " e="
                        + row.get("energy_mwh") + " f=" + row.get("flags") + " " + row.get("status") + "/"
                        + row.get("verification_error") + " conflicts=" + row.get("conflicts") + " powers="
                        + powers(row) + " late=" + row.get("late"))
                .toList());
        state.put("quarantine", PipelineKit.query("SELECT reason, boot, seq FROM quarantine WHERE device_id = ?"
                + " ORDER BY boot, seq, reason", id).stream()
                .map(row -> row.get("reason") + " " + row.get("boot") + "/" + row.get("seq")).toList());
        Set<String> named = new TreeSet<>();
        for (PipelineKit.DeviceAckRecord ack : acks) {
            if (ack.deviceId().equals(id)) {
                for (String list : List.of("stored", "refused")) {
                    ack.ack().get(list).forEach(range -> {
                        for (long s = range.get(0).asLong(); s <= range.get(1).asLong(); s++) {
                            named.add(ack.boot() + "/" + s + " " + list);
                        }
                    });
                }
            }
        }
        state.put("acks", named);
        return state;
    }

    /** The power values of the stored message and of its conflicting message, sorted (which one is which varies). */
    private static String powers(Map<String, Object> row) {
        List<Long> powers = new ArrayList<>();
        powers.add(((Number) row.get("power_mw")).longValue());
        if (row.get("other") != null) {
            try {
                powers.add(ReadingMessage.decode((byte[]) row.get("other")).powerMw());
            } catch (ReadingFormatException e) {
                throw new IllegalStateException("a stored conflict always decodes", e);
            }
        }
        Collections.sort(powers);
        return powers.toString();
    }
}
