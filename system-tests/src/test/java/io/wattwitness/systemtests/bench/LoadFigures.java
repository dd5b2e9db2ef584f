package io.wattwitness.systemtests.bench;

import java.util.Arrays;

/**
 * Percentiles and rates of one load run. Plain Java, immutable.
 */
public final class LoadFigures {

    private LoadFigures() {
    }

    /**
     * Nearest-rank percentile.
     *
     * @param values samples (not modified)
     * @param percent 0 &lt; percent ≤ 100
     * @return the smallest sample such that at least {@code percent} % of the samples are ≤ it
     * @throws IllegalArgumentException when there are no samples or the percentage is out of range
     */
    public static long percentile(long[] values, double percent) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        if (!(percent > 0 && percent <= 100)) {
            throw new IllegalArgumentException("percent must be in (0, 100]: " + percent);
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    /**
     * Rate over the middle of a run: readings completed between the {@code low} and {@code high} percentiles of
     * the completion times, divided by the time between them (leaves out the ramp-up and the tail).
     *
     * @param completionMs completion times, Unix ms
     * @param low lower percentile, e.g. 10
     * @param high upper percentile, e.g. 90
     * @return readings per second, or NaN when the window has no length
     */
    public static double sustainedRate(long[] completionMs, double low, double high) {
        long from = percentile(completionMs, low);
        long to = percentile(completionMs, high);
        if (to <= from) {
            return Double.NaN;
        }
        long inWindow = Arrays.stream(completionMs).filter(t -> t > from && t <= to).count();
        return inWindow * 1000.0 / (to - from);
    }
}
