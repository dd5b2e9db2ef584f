package io.wattwitness.reading;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The application-level ack of SPEC.md §6.1, published on {@code wattwitness/v1/devices/{id}/ack}:
 * {@code {"boot":N,"stored":[[a,b],…],"refused":[[c,d],…]}}. One ack names one boot; each list holds closed,
 * ascending, non-overlapping seq ranges; at most {@value #MAX_RANGES} ranges in all. Immutable.
 *
 * @param boot the boot the ranges belong to, uint32
 * @param stored readings verified under the registered key and committed (SPEC.md §6.1)
 * @param refused validly signed readings durably quarantined for a rule; resending cannot store them
 */
public record DeviceAck(long boot, List<SeqRange> stored, List<SeqRange> refused) {

    /** Most ranges one ack may carry, {@code stored} and {@code refused} together. */
    public static final int MAX_RANGES = 256;

    private static final long UINT32_MAX = 0xFFFF_FFFFL;

    /**
     * A closed range of seq numbers.
     *
     * @param first lowest seq named, uint32
     * @param last highest seq named, uint32, ≥ first
     */
    public record SeqRange(long first, long last) {

        /**
         * @throws IllegalArgumentException when a bound is outside uint32 or {@code last < first}
         */
        public SeqRange {
            if (first < 0 || last > UINT32_MAX || last < first) {
                throw new IllegalArgumentException("seq range [" + first + ", " + last + "] is not within uint32 "
                        + "with first <= last");
            }
        }

        /**
         * @param seq a seq number
         * @return whether the range names it
         */
        public boolean contains(long seq) {
            return seq >= first && seq <= last;
        }
    }

    /**
     * Checks an ack as received (SPEC.md §6.1).
     *
     * @throws IllegalArgumentException naming the member when {@code boot} is outside uint32, a list is not
     *         ascending and non-overlapping, or there are more than {@value #MAX_RANGES} ranges
     */
    public DeviceAck {
        if (boot < 0 || boot > UINT32_MAX) {
            throw new IllegalArgumentException("boot: " + boot + " is not a uint32");
        }
        stored = List.copyOf(stored);
        refused = List.copyOf(refused);
        checkAscending("stored", stored);
        checkAscending("refused", refused);
        if (stored.size() + refused.size() > MAX_RANGES) {
            throw new IllegalArgumentException("an ack carries at most " + MAX_RANGES + " ranges, this one "
                    + (stored.size() + refused.size()));
        }
    }

    /**
     * Builds the acks for a set of readings of one boot, splitting when there are more than {@value #MAX_RANGES}
     * ranges.
     *
     * @param boot the boot, uint32
     * @param storedSeqs seqs of stored readings, any order, duplicates allowed
     * @param refusedSeqs seqs of refused readings, any order, duplicates allowed; a seq in both lists counts as
     *        stored
     * @return one or more acks, empty when both lists are empty
     */
    public static List<DeviceAck> of(long boot, long[] storedSeqs, long[] refusedSeqs) {
        List<SeqRange> stored = ranges(storedSeqs, new long[0]);
        List<SeqRange> refused = ranges(refusedSeqs, storedSeqs);
        List<DeviceAck> acks = new ArrayList<>();
        int s = 0;
        int r = 0;
        while (s < stored.size() || r < refused.size()) {
            int takeStored = Math.min(MAX_RANGES, stored.size() - s);
            int takeRefused = Math.min(MAX_RANGES - takeStored, refused.size() - r);
            acks.add(new DeviceAck(boot, stored.subList(s, s + takeStored), refused.subList(r, r + takeRefused)));
            s += takeStored;
            r += takeRefused;
        }
        return acks;
    }

    /**
     * @param seq a seq of this ack's boot
     * @return whether the ack names the reading (stored or refused)
     */
    public boolean names(long seq) {
        return isStored(seq) || isRefused(seq);
    }

    /**
     * @param seq a seq of this ack's boot
     * @return whether the ack names the reading as stored
     */
    public boolean isStored(long seq) {
        return find(stored, seq);
    }

    /**
     * @param seq a seq of this ack's boot
     * @return whether the ack names the reading as refused
     */
    public boolean isRefused(long seq) {
        return find(refused, seq);
    }

    /** @return readings named, stored and refused */
    public long count() {
        long n = 0;
        for (SeqRange range : stored) {
            n += range.last - range.first + 1;
        }
        for (SeqRange range : refused) {
            n += range.last - range.first + 1;
        }
        return n;
    }

    /** @return the ack as compact JSON, members in the order of SPEC.md §6.1 */
    public String toJson() {
        StringBuilder json = new StringBuilder(32 + 24 * (stored.size() + refused.size()));
        json.append("{\"boot\":").append(boot).append(",\"stored\":");
        appendRanges(json, stored);
        json.append(",\"refused\":");
        appendRanges(json, refused);
        return json.append('}').toString();
    }

    private static void appendRanges(StringBuilder json, List<SeqRange> ranges) {
        json.append('[');
        for (int i = 0; i < ranges.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append('[').append(ranges.get(i).first).append(',').append(ranges.get(i).last).append(']');
        }
        json.append(']');
    }

    private static boolean find(List<SeqRange> ranges, long seq) {
        int low = 0;
        int high = ranges.size() - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            SeqRange range = ranges.get(mid);
            if (seq < range.first) {
                high = mid - 1;
            } else if (seq > range.last) {
                low = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    private static void checkAscending(String member, List<SeqRange> ranges) {
        for (int i = 1; i < ranges.size(); i++) {
            if (ranges.get(i).first <= ranges.get(i - 1).last) {
                throw new IllegalArgumentException(member + ": ranges must be ascending and must not overlap, "
                        + ranges.get(i - 1) + " then " + ranges.get(i));
            }
        }
    }

    private static List<SeqRange> ranges(long[] seqs, long[] excluded) {
        if (seqs.length == 0) {
            return Collections.emptyList();
        }
        long[] sorted = seqs.clone();
        Arrays.sort(sorted);
        long[] skip = excluded.clone();
        Arrays.sort(skip);
        List<SeqRange> ranges = new ArrayList<>();
        long first = -1;
        long last = -2;
        for (long seq : sorted) {
            if (Arrays.binarySearch(skip, seq) >= 0 || seq == last) {
                continue;
            }
            if (seq == last + 1) {
                last = seq;
                continue;
            }
            if (first >= 0) {
                ranges.add(new SeqRange(first, last));
            }
            first = seq;
            last = seq;
        }
        if (first >= 0) {
            ranges.add(new SeqRange(first, last));
        }
        return ranges;
    }
}
