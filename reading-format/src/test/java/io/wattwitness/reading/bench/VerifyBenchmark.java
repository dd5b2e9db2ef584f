package io.wattwitness.reading.bench;

import io.wattwitness.reading.DeviceKey;
import io.wattwitness.reading.DeviceSigner;
import io.wattwitness.reading.ReadingFlags;
import io.wattwitness.reading.ReadingFormatException;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.reading.ReadingVerifier;
import io.wattwitness.reading.VerifiedReading;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Verification throughput (readings verified per second on one core, {@code @Threads(1)}), SPEC.md §3:
 * <ul>
 *   <li>{@code knownKey}: the verifier holds one {@link DeviceKey} per device, so BouncyCastle's precomputation on
 *       the public point is reused across readings (what verify-service does for registered devices);</li>
 *   <li>{@code decodeKeyPerReading}: {@link DeviceKey#of} from the 64 raw bytes for every reading, so nothing is
 *       precomputed.</li>
 * </ul>
 * Readings rotate over {@code devices} devices with 64 distinct signed readings each.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class VerifyBenchmark {

    private static final int READINGS_PER_DEVICE = 64;

    /** Number of distinct devices the readings come from. */
    @Param({"1", "100"})
    public int devices;

    private DeviceKey[] keys;
    private byte[][] rawKeys;
    private byte[][] messages;
    private byte[][] signatures;
    private int next;

    /** Generates the keys and signs the readings. */
    @Setup(Level.Trial)
    public void sign() {
        SecureRandom random = new SecureRandom();
        keys = new DeviceKey[devices];
        rawKeys = new byte[devices][];
        messages = new byte[devices * READINGS_PER_DEVICE][];
        signatures = new byte[devices * READINGS_PER_DEVICE][];
        for (int d = 0; d < devices; d++) {
            DeviceSigner signer = DeviceSigner.generate(random);
            keys[d] = signer.publicKey();
            rawKeys[d] = signer.publicKey().raw();
            for (int i = 0; i < READINGS_PER_DEVICE; i++) {
                ReadingMessage reading = new ReadingMessage(keys[d].deviceId(), 0x02aabbccddeeL, 1, i,
                        1_767_225_600_000L + 10_000L * i, 2_500_000 + i, 1_000_000_000L + 7_000L * i,
                        ReadingFlags.CLOCK_SYNCED);
                int index = i * devices + d;
                messages[index] = reading.encode();
                signatures[index] = signer.sign(messages[index]);
            }
        }
    }

    /**
     * @return the verified reading (returned so the JIT keeps the work)
     * @throws ReadingFormatException never for these valid readings
     */
    @Benchmark
    public VerifiedReading knownKey() throws ReadingFormatException {
        int index = next;
        next = (index + 1) % messages.length;
        return ReadingVerifier.verify(keys[index % devices], messages[index], signatures[index]);
    }

    /**
     * @return the verified reading
     * @throws ReadingFormatException never for these valid readings
     */
    @Benchmark
    public VerifiedReading decodeKeyPerReading() throws ReadingFormatException {
        int index = next;
        next = (index + 1) % messages.length;
        return ReadingVerifier.verify(DeviceKey.of(rawKeys[index % devices]), messages[index], signatures[index]);
    }
}
