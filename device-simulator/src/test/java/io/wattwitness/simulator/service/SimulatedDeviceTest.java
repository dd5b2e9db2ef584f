package io.wattwitness.simulator.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattwitness.reading.ReadingFlags;
import io.wattwitness.reading.ReadingFormatException;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.reading.ReadingVerifier;
import io.wattwitness.reading.VerifiedReading;
import io.wattwitness.simulator.source.PowerSeriesSource;
import io.wattwitness.simulator.source.ProductionSource;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatedDeviceTest {

    private static final Instant NOON = Instant.parse("2024-06-21T18:00:00Z");

    @TempDir
    Path state;

    /** A constant 3.6 kW source: exactly 10 Wh per 10-second reading. */
    private static final Function<Installation, ProductionSource> CONSTANT = i -> new PowerSeriesSource(
            new long[] {NOON.minus(Duration.ofDays(1)).toEpochMilli(), NOON.plus(Duration.ofDays(1)).toEpochMilli()},
            new double[] {3600, 3600}, 1);

    private SimulatedDevice device(Path dir, Faults faults, long seed) throws IOException {
        return SimulatedDevice.builder().index(0).stateDir(dir).source(CONSTANT).start(NOON).faults(faults).seed(seed)
                .build();
    }

    private static List<Emission> take(SimulatedDevice device, int readings) {
        List<Emission> out = new ArrayList<>();
        for (int i = 0; i < readings; i++) {
            out.addAll(device.next());
        }
        return out;
    }

    @Test
    void normalReadingsVerifyAndFollowTheFirmwareRules() throws Exception {
        SimulatedDevice device = device(state.resolve("d"), Faults.NONE, 1);
        List<Emission> emissions = take(device, 5);
        assertEquals(5, emissions.size());
        for (int i = 0; i < 5; i++) {
            Emission emission = emissions.get(i);
            assertEquals(Fault.NONE, emission.fault());
            assertTrue(emission.sent());
            VerifiedReading verified = ReadingVerifier.verify(device.key(), emission.envelope().message(),
                    emission.envelope().signature());
            ReadingMessage reading = verified.reading();
            assertEquals(1, reading.boot());
            assertEquals(i, reading.seq());
            assertEquals(NOON.plusSeconds(10L * i).toEpochMilli(), reading.timestampMs());
            assertEquals(3_600_000, reading.powerMw());
            assertEquals(10_000L * i, reading.energyMwh(), "10 Wh per 10 s at 3.6 kW");
            assertTrue(reading.hasFlag(ReadingFlags.CLOCK_SYNCED));
            assertEquals(i == 0, reading.hasFlag(ReadingFlags.FIRST_AFTER_BOOT));
            assertFalse(reading.hasFlag(ReadingFlags.REGISTER_RESTARTED));
            assertEquals(device.installation().meterMac(), reading.meterId());
            assertEquals(device.key().deviceId(), reading.deviceId());
        }
    }

    @Test
    void tamperedReadingsFailVerification() throws IOException {
        SimulatedDevice device = device(state.resolve("d"), Faults.NONE.withTamperRate(1), 1);
        for (Emission emission : take(device, 10)) {
            assertEquals(Fault.TAMPERED, emission.fault());
            assertTrue(emission.sent());
            assertFalse(Arrays.equals(emission.reading().encode(), emission.envelope().message()));
            ReadingFormatException e = assertThrows(ReadingFormatException.class, () -> ReadingVerifier.verify(
                    device.key(), emission.envelope().message(), emission.envelope().signature()));
            assertEquals(ReadingFormatException.Code.BAD_SIGNATURE, e.code());
        }
    }

    @Test
    void duplicatesRepeatTheEnvelopeAndConflictsAreValidlySignedTwins() throws Exception {
        SimulatedDevice device = device(state.resolve("d"), Faults.NONE.withDuplicateRate(1).withConflictRate(1), 1);
        List<Emission> emissions = device.next();
        assertEquals(List.of(Fault.NONE, Fault.DUPLICATE, Fault.CONFLICT),
                emissions.stream().map(Emission::fault).toList());
        Emission original = emissions.get(0);
        Emission duplicate = emissions.get(1);
        Emission conflict = emissions.get(2);
        assertArrayEquals(original.envelope().message(), duplicate.envelope().message());
        assertArrayEquals(original.envelope().signature(), duplicate.envelope().signature());
        VerifiedReading a = ReadingVerifier.verify(device.key(), original.envelope().message(),
                original.envelope().signature());
        VerifiedReading b = ReadingVerifier.verify(device.key(), conflict.envelope().message(),
                conflict.envelope().signature());
        assertEquals(a.reading().identity(), b.reading().identity());
        assertNotEquals(a.reading().powerMw(), b.reading().powerMw());
        assertEquals(a.reading().energyMwh(), b.reading().energyMwh());
    }

    @Test
    void droppedReadingsLeaveAGapInSeq() throws IOException {
        SimulatedDevice device = device(state.resolve("d"), Faults.NONE.withDropRate(0.5), 3);
        List<Emission> emissions = take(device, 200);
        List<Long> sentSeqs = emissions.stream().filter(Emission::sent).map(Emission::seq).toList();
        List<Long> droppedSeqs = emissions.stream().filter(e -> e.fault() == Fault.DROPPED).map(Emission::seq)
                .toList();
        assertEquals(200, sentSeqs.size() + droppedSeqs.size());
        assertTrue(droppedSeqs.size() > 70 && droppedSeqs.size() < 130, "about half dropped: " + droppedSeqs.size());
        assertTrue(emissions.stream().filter(e -> e.fault() == Fault.DROPPED).noneMatch(Emission::sent));
        for (long seq : droppedSeqs) {
            assertFalse(sentSeqs.contains(seq));
        }
    }

    @Test
    void clockSkewShiftsEveryTimestamp() throws IOException {
        SimulatedDevice device = device(state.resolve("d"), Faults.NONE.withClockSkew(Duration.ofMinutes(10)), 1);
        List<Emission> emissions = take(device, 3);
        for (int i = 0; i < 3; i++) {
            assertEquals(NOON.plusSeconds(600 + 10L * i).toEpochMilli(), emissions.get(i).reading().timestampMs());
            assertEquals(600_000, emissions.get(i).clockSkewMs());
        }
    }

    @Test
    void rebootsIncrementTheBootCounterAndRestartSeq() throws IOException {
        Path dir = state.resolve("d");
        SimulatedDevice device = device(dir, Faults.NONE.withRebootEvery(3), 1);
        List<Emission> emissions = take(device, 7);
        assertEquals(List.of(1L, 1L, 1L, 2L, 2L, 2L, 3L), emissions.stream().map(Emission::boot).toList());
        assertEquals(List.of(0L, 1L, 2L, 0L, 1L, 2L, 0L), emissions.stream().map(Emission::seq).toList());
        for (Emission emission : emissions) {
            assertEquals(emission.seq() == 0, emission.reading().hasFlag(ReadingFlags.FIRST_AFTER_BOOT));
        }
        // the register is the meter's: it does not restart with the ESP32
        assertEquals(60_000, emissions.get(6).reading().energyMwh());
        assertEquals(3, device.store().boot());
    }

    @Test
    void registerResetsAreFlagged() throws IOException {
        SimulatedDevice device = device(state.resolve("d"), Faults.NONE.withRegisterResetEvery(4), 1);
        List<Emission> emissions = take(device, 6);
        List<Long> registers = emissions.stream().map(e -> e.reading().energyMwh()).toList();
        assertEquals(List.of(0L, 10_000L, 20_000L, 30_000L, 10_000L, 20_000L), registers);
        for (int i = 0; i < 6; i++) {
            assertEquals(i == 4, emissions.get(i).reading().hasFlag(ReadingFlags.REGISTER_RESTARTED), "reading " + i);
        }
    }

    @Test
    void theSameSeedInjectsTheSameFaults() throws IOException {
        Faults faults = new Faults(0.1, 0.1, 0.1, 0.1, Duration.ZERO, 0, 0);
        List<String> first = take(device(state.resolve("a"), faults, 99), 300).stream()
                .map(e -> e.seq() + ":" + e.fault()).toList();
        List<String> second = take(device(state.resolve("b"), faults, 99), 300).stream()
                .map(e -> e.seq() + ":" + e.fault()).toList();
        List<String> other = take(device(state.resolve("c"), faults, 100), 300).stream()
                .map(e -> e.seq() + ":" + e.fault()).toList();
        assertEquals(first, second);
        assertNotEquals(first, other);
        for (Fault fault : List.of(Fault.TAMPERED, Fault.DUPLICATE, Fault.CONFLICT, Fault.DROPPED)) {
            long n = first.stream().filter(s -> s.endsWith(":" + fault)).count();
            assertTrue(n > 10 && n < 60, fault + " injected " + n + " times in 300 readings at rate 0.1");
        }
    }

    @Test
    void theRegisterNeverDecreasesWithNegativeNightPower() throws IOException {
        Function<Installation, ProductionSource> night = i -> new PowerSeriesSource(
                new long[] {NOON.toEpochMilli(), NOON.plusSeconds(100).toEpochMilli(),
                    NOON.plusSeconds(200).toEpochMilli()},
                new double[] {-3, 360, -3}, 1);
        SimulatedDevice device = SimulatedDevice.builder().stateDir(state.resolve("n")).source(night).build();
        assertEquals(NOON, device.clock(), "a replayed source starts the clock at its first sample");
        long previous = -1;
        boolean sawNegative = false;
        while (!device.exhausted()) {
            ReadingMessage reading = device.next().get(0).reading();
            assertTrue(reading.energyMwh() >= previous);
            previous = reading.energyMwh();
            sawNegative |= reading.powerMw() < 0;
        }
        assertTrue(sawNegative);
        assertTrue(previous > 0 && previous < 10_000, "register " + previous);
    }

    @Test
    void rejectsBadFaultSettings() {
        assertThrows(IllegalArgumentException.class, () -> Faults.NONE.withTamperRate(1.5));
        assertThrows(IllegalArgumentException.class, () -> Faults.NONE.withDropRate(-0.1));
        assertThrows(IllegalArgumentException.class, () -> Faults.NONE.withRebootEvery(-1));
    }
}
