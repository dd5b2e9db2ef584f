package io.wattwitness.reading.bench;

import java.io.IOException;
import org.openjdk.jmh.Main;

/**
 * Runs the reading-format JMH benchmarks. Without arguments: every benchmark of this package with one fork, two
 * warm-up and three measurement iterations; with arguments: plain JMH options (e.g. {@code VerifyBenchmark -f 3}).
 * Run it with the test classpath in a fresh JVM (JMH forks inherit {@code java.class.path}); see
 * docs/benchmarks.md for the command.
 */
public final class BenchmarkMain {

    private BenchmarkMain() {
    }

    /**
     * @param args JMH command-line options
     * @throws IOException when JMH cannot write its results
     */
    public static void main(String[] args) throws IOException {
        Main.main(args.length > 0 ? args
                : new String[] {"io.wattwitness.reading.bench", "-f", "1", "-wi", "2", "-i", "3"});
    }
}
