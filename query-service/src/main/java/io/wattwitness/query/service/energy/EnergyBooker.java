package io.wattwitness.query.service.energy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Books the energy of a reading sequence onto a {@link BucketGrid}.
 * <p>
 * Rules, applied to the samples in time order (tolerances and ceiling from {@link EnergyPolicy}):
 * <ol>
 *   <li>Both carry a register: energy is the register delta, measured from the highest register seen since the
 *       last restart (so a dip within rounding is never counted twice).
 *       <ul>
 *         <li>increase: the delta, spread over (ta, tb];</li>
 *         <li>decrease within {@link EnergyPolicy#roundingToleranceMwh()}: 0;</li>
 *         <li>any other decrease, and any decrease with the restart flag ({@code REGISTER_RESTARTED}: the firmware
 *             sets it on every drop it sees, so it cannot tell a restart from a glitch), is <b>held</b>: nothing is
 *             booked and the baseline B (register and time of the last
 *             reading before the drop) is kept until a later reading decides. The held readings form a run as long
 *             as each is at most the previous one or rises above it by more than
 *             {@link EnergyPolicy#plausibleRiseMwh} allows since the held level was reached (the capacity ceiling, or
 *             without a capacity a bound from the meter's own active power: a rise the meter could not have
 *             produced). A drop that stays within the rounding tolerance (a flagged drop of a register under it)
 *             ends as a glitch only on a full return or an impossible rise. The run ends with the first reading that
 *             <ul>
 *               <li>is back to at least B − rounding tolerance: a <b>glitch</b>. The held readings are
 *                   {@link RegisterState#GLITCH}, no energy is booked for the drop or the jump back, and the register
 *                   increase over B (if any) is spread over (tB, t]; a return a little below B keeps B as the
 *                   high-water mark, like a decrease within rounding ({@link Outcome#markRuns()});</li>
 *               <li>counts up from the held level (above the last held reading, within the ceiling), or carries the
 *                   restart flag, or has no register: a true drop. The held readings are booked as they would have
 *                   been without holding: a flagged drop, or a drop to at most {@link EnergyPolicy#restartNearZeroMwh()}
 *                   and at most half the previous register, is a restart (its register booked over the last nominal
 *                   interval before it, or the time the capacity needs to produce it when longer), any other drop a
 *                   rollback (0, new baseline); then the deciding reading is booked normally.</li>
 *             </ul>
 *             After a drop decided as real, the level before it is remembered until the register is back above it.
 *             With a known capacity, a later rise the meter could not have produced that brings the register back to
 *             at most that level (plus what the capacity allows since) undoes the drop: the readings since the drop
 *             become {@link RegisterState#GLITCH} and only the register's rise over the old level, less what was
 *             booked since the drop, is booked (a meter that rebooted and came back a little below its old level
 *             books nothing for the jump).
 *             A run still open at the last sample stays {@link RegisterState#HELD}: nothing booked for it yet.</li>
 *       </ul>
 *   </li>
 *   <li>A register is missing: power is integrated (trapezoid, negative power counted as 0) and marked estimated,
 *       but only when tb − ta ≤ {@link EnergyPolicy#gapLimitMs()}; across a longer gap nothing is booked.</li>
 *   <li>An interval longer than {@link EnergyPolicy#gapLimitMs()} is a gap: every bucket it overlaps is marked
 *       estimated; a register delta across it is spread over it in proportion to time.</li>
 *   <li>Capacity ceiling: with a known capacity, the energy booked from one register step (an increase, a restart's
 *       register, a glitch's return over B) is at most {@link EnergyPolicy#ceilingMwh} of the time since the
 *       previous counted reading; the rest is not booked, counted in {@link Outcome#excessMwh()} and the reading is
 *       {@link RegisterState#EXCESS}.</li>
 * </ol>
 * Consequently, over a grid covering all readings, Σ buckets = register(last) − register(first) + what was
 * produced after each restart − what rolled back − glitches' jumps back − excess, for any bucket size. Stateless;
 * thread-safe.
 */
public final class EnergyBooker {

    private final EnergyPolicy policy;

    /**
     * @param policy the booking tunables
     */
    public EnergyBooker(EnergyPolicy policy) {
        this.policy = policy;
    }

    /** @return the policy in use */
    public EnergyPolicy policy() {
        return policy;
    }

    /**
     * Books a sequence without a capacity ceiling (capacity unknown).
     *
     * @param samples readings in ascending time order (ties keep their given order)
     * @param grid the buckets to fill; energy outside its range is not booked
     * @return what happened on the way
     * @throws IllegalArgumentException when the samples are not in time order
     */
    public Outcome book(List<EnergySample> samples, BucketGrid grid) {
        return book(samples, grid, 0);
    }

    /**
     * Books a sequence.
     *
     * @param samples readings in ascending time order (ties keep their given order)
     * @param grid the buckets to fill; energy outside its range is not booked
     * @param capacityW the installation's nameplate capacity in W, 0 or less when unknown (no ceiling)
     * @return what happened on the way: restarts, rollbacks, glitches, excess and the state of each reading
     * @throws IllegalArgumentException when the samples are not in time order
     */
    public Outcome book(List<EnergySample> samples, BucketGrid grid, long capacityW) {
        Run run = new Run(grid, capacityW, samples.size());
        for (int i = 0; i < samples.size(); i++) {
            run.accept(i, samples.get(i));
        }
        run.finish();
        return run.outcome();
    }

    /** The mutable state of one booking pass. */
    private final class Run {
        private final BucketGrid grid;
        private final long capacityW;
        private final RegisterState[] states;
        private final List<long[]> heldRuns = new ArrayList<>();
        /** every stretch in which the high-water mark stayed above the register: {time the mark was set, time of
         *  the reading back at it}, Unix ms */
        private final List<long[]> markRuns = new ArrayList<>();
        /** time of the reading that set the baseline, and the start of the open mark run or -1 */
        private long baselineMs;
        private long markFromMs = -1;
        /** the last sample seen (for gaps and power) */
        private EnergySample last;
        /** the last sample that is not held: the pair partner of the register rules */
        private EnergySample previous;
        private long baseline;
        private boolean hasBaseline;
        /** indices and samples of the open held run */
        private final List<Integer> heldIndex = new ArrayList<>();
        private final List<EnergySample> held = new ArrayList<>();
        private boolean heldGap;
        /** the highest active power reported around the open held run, mW */
        private long heldPeakMw;
        /** since when the last held reading's register has stood at its value, Unix ms */
        private long heldLevelSinceMs;
        /** the register before the last decided drop (restart or rollback), or -1 once the register passed it */
        private long preDropMwh = -1;
        private long preDropMs;
        /** energy booked since that drop, and the readings booked since it */
        private long bookedSinceDrop;
        private final List<Integer> sinceDrop = new ArrayList<>();
        private int restarts;
        private int rollbacks;
        private int glitches;
        private long excessMwh;

        Run(BucketGrid grid, long capacityW, int size) {
            this.grid = grid;
            this.capacityW = capacityW;
            this.states = new RegisterState[size];
        }

        void accept(int index, EnergySample sample) {
            grid.countReading(sample);
            if (last != null) {
                long ta = last.timestampMs();
                long tb = sample.timestampMs();
                if (tb < ta) {
                    throw new IllegalArgumentException("samples must be in time order: " + tb + " after " + ta);
                }
                if (tb - ta > policy.gapLimitMs()) {
                    grid.markEstimated(ta, tb);
                    if (!held.isEmpty()) {
                        heldGap = true;
                    }
                }
            }
            last = sample;
            if (!held.isEmpty()) {
                decide(index, sample);
                return;
            }
            step(index, sample, true);
        }

        private void decide(int index, EnergySample sample) {
            EnergySample lastHeld = held.get(held.size() - 1);
            long tolerance = policy.roundingToleranceMwh();
            long rise = sample.hasRegister() ? sample.energyMwh() - lastHeld.energyMwh() : 0;
            boolean impossibleRise = rise > policy.plausibleRiseMwh(capacityW,
                    sample.timestampMs() - heldLevelSinceMs, Math.max(heldPeakMw, sample.powerMw()));
            // a drop that stayed within the rounding tolerance (a flagged drop of a small register) cannot tell a
            // return from counting up by the tolerance: only a full return or an impossible rise is a glitch
            boolean dropWithinTolerance = lastHeld.energyMwh() >= baseline - tolerance;
            if (sample.hasRegister() && !sample.registerRestarted() && sample.energyMwh() >= baseline - tolerance
                    && (!dropWithinTolerance || sample.energyMwh() >= baseline || impossibleRise)) {
                // back to about the level before the drop: a glitch
                glitches++;
                for (int h : heldIndex) {
                    states[h] = RegisterState.GLITCH;
                }
                heldRuns.get(heldRuns.size() - 1)[1] = sample.timestampMs();
                long delta = sample.energyMwh() - baseline;
                long from = previous.timestampMs();
                boolean gap = heldGap || sample.timestampMs() - from > policy.gapLimitMs();
                clearHeld();
                if (delta > 0) {
                    setBaseline(sample);
                    bookCapped(index, from, sample.timestampMs(), from, delta, gap);
                } else if (delta < 0 && markFromMs < 0) {
                    // back a little below the level before the drop: the high-water mark stays, as for a decrease
                    // within rounding
                    markFromMs = baselineMs;
                }
                previous = sample;
                return;
            }
            if (sample.hasRegister() && !sample.registerRestarted() && (rise <= 0 || impossibleRise)) {
                // still low, or a rise the meter could not have produced since the last held reading
                hold(index, sample);
                return;
            }
            // counting up from the low level, flagged restart or no register: the drop was real
            heldRuns.get(heldRuns.size() - 1)[1] = sample.timestampMs();
            List<Integer> indices = new ArrayList<>(heldIndex);
            List<EnergySample> replay = new ArrayList<>(held);
            clearHeld();
            for (int k = 0; k < replay.size(); k++) {
                step(indices.get(k), replay.get(k), false);
            }
            step(index, sample, true);
        }

        private void hold(int index, EnergySample sample) {
            if (held.isEmpty()) {
                heldRuns.add(new long[] {previous.timestampMs(), sample.timestampMs()});
                heldPeakMw = previous.powerMw();
            }
            if (held.isEmpty() || !sample.energyMwh().equals(held.get(held.size() - 1).energyMwh())) {
                heldLevelSinceMs = sample.timestampMs();
            }
            heldPeakMw = Math.max(heldPeakMw, sample.powerMw());
            heldIndex.add(index);
            held.add(sample);
            heldRuns.get(heldRuns.size() - 1)[1] = sample.timestampMs();
        }

        private void clearHeld() {
            heldIndex.clear();
            held.clear();
            heldGap = false;
        }

        /**
         * Books one sample against {@link #previous}.
         *
         * @param mayHold whether an unflagged drop is held (false when replaying a run that turned out to be real)
         */
        private void step(int index, EnergySample sample, boolean mayHold) {
            if (previous == null) {
                previous = sample;
                if (sample.hasRegister()) {
                    setBaseline(sample);
                    hasBaseline = true;
                }
                return;
            }
            long ta = previous.timestampMs();
            long tb = sample.timestampMs();
            boolean gap = tb - ta > policy.gapLimitMs();
            if (sample.hasRegister() && previous.hasRegister() && hasBaseline) {
                long current = sample.energyMwh();
                long delta = current - baseline;
                if (delta >= 0) {
                    if (jumpBack(index, sample, ta, tb, gap)) {
                        previous = sample;
                        return;
                    }
                    bookedSinceDrop += Math.min(delta, policy.ceilingMwh(capacityW, tb - ta));
                    setBaseline(sample);
                    bookCapped(index, ta, tb, ta, delta, gap);
                } else if (sample.registerRestarted() || -delta > policy.roundingToleranceMwh()) {
                    // a drop, flagged or not: the firmware flags every drop it sees, so the flag alone does not
                    // tell a restart from a glitch; the next reading decides
                    if (mayHold) {
                        hold(index, sample);
                        return;
                    }
                    // remembered until the register is back above it: a later jump back to it is no production
                    preDropMwh = baseline;
                    preDropMs = ta;
                    bookedSinceDrop = 0;
                    sinceDrop.clear();
                    sinceDrop.add(index);
                    if (sample.registerRestarted()
                            || current <= policy.restartNearZeroMwh() && current <= baseline / 2) {
                        restart(index, sample, ta, tb, gap);
                    } else {
                        rollbacks++;
                        setBaseline(sample);
                    }
                } else if (markFromMs < 0) {
                    // a decrease within rounding books nothing and keeps the high-water mark: every booking up to
                    // the reading back at it depends on the reading that set it
                    markFromMs = baselineMs;
                }
            } else {
                if (!gap) {
                    long energy = trapezoidMwh(previous.powerMw(), sample.powerMw(), tb - ta);
                    grid.spread(ta, tb, energy, true);
                }
                if (sample.hasRegister()) {
                    setBaseline(sample);
                    hasBaseline = true;
                }
            }
            previous = sample;
        }

        /** Takes a sample's register as the baseline, ending an open mark run. */
        private void setBaseline(EnergySample sample) {
            baseline = sample.energyMwh();
            baselineMs = sample.timestampMs();
            if (markFromMs >= 0) {
                markRuns.add(new long[] {markFromMs, sample.timestampMs()});
                markFromMs = -1;
            }
        }

        /**
         * After a decided drop, a rise the meter could not have produced in (ta, tb] that brings the register back
         * towards its level before the drop is the drop undone, not production: the readings since the drop are
         * {@link RegisterState#GLITCH} and only what the register now holds above that level, less what was booked
         * since the drop, is booked. Needs a capacity (without one every rise is possible).
         *
         * @return whether the step was such a jump back (and is booked)
         */
        private boolean jumpBack(int index, EnergySample sample, long ta, long tb, boolean gap) {
            if (preDropMwh < 0) {
                return false;
            }
            long current = sample.energyMwh();
            if (current - baseline <= policy.ceilingMwh(capacityW, tb - ta)) {
                if (current >= preDropMwh) {
                    preDropMwh = -1;
                } else {
                    sinceDrop.add(index);
                }
                return false;
            }
            long since = policy.ceilingMwh(capacityW, tb - preDropMs);
            if (current > preDropMwh && current - preDropMwh > since) {
                return false;
            }
            glitches++;
            for (int h : sinceDrop) {
                states[h] = RegisterState.GLITCH;
            }
            long owed = current - preDropMwh - bookedSinceDrop;
            setBaseline(sample);
            preDropMwh = -1;
            sinceDrop.clear();
            if (owed > 0) {
                bookCapped(index, ta, tb, ta, owed, gap);
            }
            return true;
        }

        private void restart(int index, EnergySample sample, long ta, long tb, boolean gap) {
            long current = sample.energyMwh();
            restarts++;
            setBaseline(sample);
            bookedSinceDrop = Math.min(current, policy.ceilingMwh(capacityW, tb - ta));
            // over the last nominal interval, or the time the capacity needs to produce it if longer
            long window = policy.expectedIntervalMs();
            if (capacityW > 0) {
                window = Math.max(window, (long) Math.ceil(current * 3_600.0 / capacityW));
            }
            bookCapped(index, Math.max(ta, tb - window), tb, ta, current, gap);
        }

        /**
         * Spreads energy over (from, tb], at most the capacity ceiling of (since, tb]; the rest is excess.
         */
        private void bookCapped(int index, long from, long tb, long since, long energy, boolean estimate) {
            long ceiling = policy.ceilingMwh(capacityW, tb - since);
            long booked = Math.min(energy, ceiling);
            if (booked < energy) {
                excessMwh += energy - booked;
                states[index] = RegisterState.EXCESS;
            }
            grid.spread(from, tb, booked, estimate);
        }

        void finish() {
            for (int h : heldIndex) {
                states[h] = RegisterState.HELD;
            }
            if (!heldIndex.isEmpty()) {
                // still open: any later reading may decide it
                heldRuns.get(heldRuns.size() - 1)[1] = Long.MAX_VALUE;
            }
            if (markFromMs >= 0) {
                markRuns.add(new long[] {markFromMs, Long.MAX_VALUE});
            }
        }

        Outcome outcome() {
            return new Outcome(restarts, rollbacks, glitches, excessMwh,
                    Collections.unmodifiableList(Arrays.asList(states.clone())), List.copyOf(heldRuns),
                    List.copyOf(markRuns), markFromMs >= 0 ? baseline : -1);
        }
    }

    private static long trapezoidMwh(long powerAMw, long powerBMw, long durationMs) {
        double meanMw = (Math.max(0, powerAMw) + Math.max(0, powerBMw)) / 2.0;
        return Math.round(meanMw * durationMs / 3_600_000.0);
    }

    /**
     * @param restarts register restarts detected (flag, or a drop to near zero that turned out not to be a glitch)
     * @param rollbacks other register decreases beyond rounding that were not glitches, booked as 0
     * @param glitches held drops that ended with the register back at its previous level
     * @param excessMwh register increases beyond the capacity ceiling, not booked, mWh
     * @param states per sample (same index as the input), its {@link RegisterState} or null for an ordinary reading
     * @param heldRuns every held run as {time of the last reading before the drop, time of the reading that decided
     *        it ({@link Long#MAX_VALUE} when still open)}, Unix ms: the bookings from the first instant on depend
     *        on readings up to the second
     * @param markRuns every stretch in which the register stood below the high-water mark (a decrease within the
     *        rounding tolerance) as {time of the reading that set the mark, time of the first reading back at it
     *        ({@link Long#MAX_VALUE} when none yet)}, Unix ms: the bookings in it depend on the reading that set it
     * @param openMarkMwh the high-water mark of a stretch still open at the last sample, mWh, or -1
     */
    public record Outcome(int restarts, int rollbacks, int glitches, long excessMwh, List<RegisterState> states,
            List<long[]> heldRuns, List<long[]> markRuns, long openMarkMwh) {

        /**
         * Whether the bookings after the last sample may still depend on a reading at or before a given time: a
         * stretch below the high-water mark that started at or before it is still open.
         *
         * @param ms Unix ms
         * @return true when such a stretch is open
         */
        public boolean markOpenAt(long ms) {
            return markRuns.stream().anyMatch(run -> run[0] <= ms && run[1] == Long.MAX_VALUE);
        }

        /**
         * @return whether a held run is still undecided at the last sample (its readings are
         *         {@link RegisterState#HELD})
         */
        public boolean heldOpen() {
            return heldRuns.stream().anyMatch(run -> run[1] == Long.MAX_VALUE);
        }

        /**
         * The earliest instant whose booking depends on readings at or after a given time: the start of a held run
         * that reaches it, else the time itself.
         *
         * @param ms Unix ms
         * @return Unix ms, at most {@code ms}
         */
        public long dependsFromMs(long ms) {
            long earliest = ms;
            for (long[] run : heldRuns) {
                if (run[1] >= ms && run[0] < earliest) {
                    earliest = run[0];
                }
            }
            return earliest;
        }

        /**
         * The latest instant whose booking depends on readings at or before a given time: the end of a held run or
         * of a stretch below the high-water mark that starts at or before it (its deciding reading, or the last
         * sample time when still open), else the time itself.
         *
         * @param ms Unix ms
         * @param lastSampleMs time of the last booked sample, Unix ms (the end of a run still open)
         * @return Unix ms, at least {@code ms}
         */
        public long dependsUntilMs(long ms, long lastSampleMs) {
            long latest = ms;
            for (List<long[]> runs : List.of(heldRuns, markRuns)) {
                for (long[] run : runs) {
                    if (run[0] <= ms) {
                        latest = Math.max(latest, run[1] == Long.MAX_VALUE ? lastSampleMs : run[1]);
                    }
                }
            }
            return latest;
        }
    }
}
