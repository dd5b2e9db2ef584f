package io.wattwitness.query.service.energy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An in-memory stand-in for the {@code energy_slots} table and the range rules of {@code EnergyService.refresh}
 * (same order of steps, same booker calls), so that arrival orders can be replayed in unit tests. The real refresh
 * is exercised against PostgreSQL by {@code RegisterGlitchApiTest}.
 */
final class RollupReplica {

    private static final long LOOKBACK_MS = 3_600_000;
    private static final long HELD_LOOKBACK_MS = 86_400_000;

    private final EnergyBooker booker = new EnergyBooker(EnergyPolicy.DEFAULT);
    private final TreeMap<Long, EnergySample> readings = new TreeMap<>();
    private final Map<Long, RegisterState> states = new HashMap<>();
    private final TreeMap<Long, Long> slots = new TreeMap<>();
    private final long capacityW;

    RollupReplica(long capacityW) {
        this.capacityW = capacityW;
    }

    /** Stores a reading and refreshes the slots it affects. */
    void add(EnergySample sample) {
        long ts = sample.timestampMs();
        readings.put(ts, sample);
        Long previous = readings.lowerKey(ts);
        Long next = readings.higherKey(ts);
        long from = previous != null ? previous : ts;
        long to = next != null ? next : ts;
        rebook(from, to, ts, to, next == null, true);
    }

    /** @return slot start (Unix ms) to energy (mWh), the slots that hold anything */
    TreeMap<Long, Long> slots() {
        return new TreeMap<>(slots);
    }

    /** @return the stored register state of the reading at a time, or null */
    RegisterState state(long ms) {
        return states.get(ms);
    }

    long totalMwh() {
        return slots.values().stream().mapToLong(Long::longValue).sum();
    }

    private void rebook(long from, long to, long ts, long changeToMs, boolean newest, boolean first) {
        BucketGrid grid = Slots.covering(from, to);
        List<EnergySample> window = window(grid.startMs() - LOOKBACK_MS, grid.endMs(), grid.startMs() - HELD_LOOKBACK_MS);
        EnergyBooker.Outcome outcome = booker.book(window, grid, capacityW);
        int last = window.size() - 1;
        long lastMs = last < 0 ? to : window.get(last).timestampMs();
        if (newest && last >= 0 && lastMs == ts && outcome.states().get(last) == RegisterState.HELD) {
            write(window, grid, outcome);
            return;
        }
        long earliest = outcome.dependsFromMs(from);
        long latest = outcome.dependsUntilMs(grid.endMs() - 1, lastMs);
        if (lastMs >= grid.endMs()) {
            if (outcome.heldOpen()) {
                latest = Math.max(latest, lastMs + Math.max(to - from, LOOKBACK_MS));
            }
            if (first) {
                latest = Math.max(latest, lastMs);
            }
            long stored = storedRunEnd(lastMs);
            if (stored > lastMs) {
                latest = Math.max(latest, stored);
            }
            if (outcome.markOpenAt(changeToMs)) {
                latest = Math.max(latest, backAtMark(lastMs, outcome.openMarkMwh()));
            }
        }
        if (earliest >= grid.startMs() && latest < grid.endMs()) {
            write(window, grid, outcome);
            return;
        }
        rebook(Math.min(from, earliest), Math.max(to, latest), ts, changeToMs, newest, false);
    }

    private List<EnergySample> window(long fromMs, long toMs, long anchorBoundMs) {
        long start = fromMs;
        for (Map.Entry<Long, EnergySample> e : readings.headMap(fromMs, false).descendingMap().entrySet()) {
            if (e.getKey() < anchorBoundMs) {
                break;
            }
            RegisterState state = states.get(e.getKey());
            if (state != RegisterState.HELD && state != RegisterState.GLITCH) {
                start = e.getKey();
                break;
            }
        }
        List<EnergySample> out = new ArrayList<>();
        Map.Entry<Long, EnergySample> before = readings.lowerEntry(start);
        if (before != null) {
            out.add(before.getValue());
        }
        out.addAll(readings.subMap(start, true, toMs, true).values());
        Map.Entry<Long, EnergySample> after = readings.higherEntry(toMs);
        if (after != null) {
            out.add(after.getValue());
        }
        return out;
    }

    private void write(List<EnergySample> window, BucketGrid grid, EnergyBooker.Outcome outcome) {
        for (int i = 0; i < window.size(); i++) {
            long ms = window.get(i).timestampMs();
            if (ms >= grid.startMs() && ms < grid.endMs()) {
                states.put(ms, outcome.states().get(i));
            }
        }
        slots.subMap(grid.startMs(), true, grid.endMs(), false).clear();
        for (int i = 0; i < grid.size(); i++) {
            if (grid.touched(i)) {
                slots.put(grid.bucketStartMs(i), grid.energyMwh(i));
            }
        }
    }

    private long storedRunEnd(long fromMs) {
        for (Map.Entry<Long, EnergySample> e : readings.tailMap(fromMs, true).entrySet()) {
            RegisterState state = states.get(e.getKey());
            if (state != RegisterState.HELD && state != RegisterState.GLITCH) {
                return e.getKey();
            }
        }
        return readings.lastKey();
    }

    private long backAtMark(long afterMs, long markMwh) {
        for (Map.Entry<Long, EnergySample> e : readings.tailMap(afterMs, false).entrySet()) {
            if (e.getValue().energyMwh() >= markMwh) {
                return e.getKey();
            }
        }
        return readings.lastKey() <= afterMs ? afterMs : readings.lastKey();
    }
}
