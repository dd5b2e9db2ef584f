package io.wattwitness.reading.bench;

import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.ReadingFlags;
import io.wattwitness.reading.ReadingFormatException;
import io.wattwitness.reading.ReadingMessage;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Encode/decode throughput of the 52-byte message (SPEC.md §2) and of the hex envelope (SPEC.md §4), operations per
 * second on one core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class CodecBenchmark {

    private ReadingMessage reading;
    private byte[] encoded;
    private Envelope envelope;
    private String messageHex;
    private String signatureHex;

    /** Prepares one reading in every form. */
    @Setup
    public void prepare() {
        reading = new ReadingMessage(0x1122334455667788L, 0x34945a1b2c3dL, 7, 42, 1_767_225_642_000L, 2_345_678,
                1_523_400_000, ReadingFlags.CLOCK_SYNCED);
        encoded = reading.encode();
        byte[] signature = new byte[64];
        for (int i = 0; i < signature.length; i++) {
            signature[i] = (byte) (i * 37 + 11);
        }
        envelope = new Envelope(encoded, signature);
        messageHex = envelope.messageHex();
        signatureHex = envelope.signatureHex();
    }

    /** @return the 52 bytes */
    @Benchmark
    public byte[] encode() {
        return reading.encode();
    }

    /**
     * @return the decoded reading (strict checks included)
     * @throws ReadingFormatException never for this valid message
     */
    @Benchmark
    public ReadingMessage decode() throws ReadingFormatException {
        return ReadingMessage.decode(encoded);
    }

    /** @return the envelope JSON with lowercase hex */
    @Benchmark
    public String envelopeToJson() {
        return envelope.toJson();
    }

    /**
     * @return the envelope parsed from its hex members (what ingest checks, no cryptography)
     * @throws ReadingFormatException never for these valid members
     */
    @Benchmark
    public Envelope envelopeOfHex() throws ReadingFormatException {
        return Envelope.ofHex(messageHex, signatureHex);
    }
}
