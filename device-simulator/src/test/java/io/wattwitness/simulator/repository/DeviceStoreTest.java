package io.wattwitness.simulator.repository;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wattwitness.reading.DeviceAck;
import io.wattwitness.reading.DeviceAck.SeqRange;
import io.wattwitness.reading.DeviceSigner;
import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.ReadingVerifier;
import io.wattwitness.simulator.service.SimulatedDevice;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceStoreTest {

    @TempDir
    Path state;

    @Test
    void pemRoundTripKeepsTheKey() throws Exception {
        DeviceSigner signer = DeviceSigner.generate(new SecureRandom());
        String pem = PemKeys.toPem(signer);
        assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertTrue(pem.endsWith("-----END PRIVATE KEY-----\n"));
        for (String line : pem.split("\n")) {
            assertTrue(line.length() <= 64, "PEM lines are at most 64 characters");
        }
        DeviceSigner back = PemKeys.fromPem(pem);
        assertEquals(signer.privateKey(), back.privateKey());
        assertEquals(signer.publicKey(), back.publicKey());
        byte[] message = "any bytes".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(ReadingVerifier.checkSignature(signer.publicKey(), message, back.sign(message)),
                back.sign(message));
    }

    @Test
    void pemRejectsOtherCurvesAndGarbage() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp384r1"));
        String p384 = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        IllegalArgumentException curve = assertThrows(IllegalArgumentException.class, () -> PemKeys.fromPem(p384));
        assertTrue(curve.getMessage().contains("P-256"), curve.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PemKeys.fromPem("hello"));
        assertThrows(IllegalArgumentException.class,
                () -> PemKeys.fromPem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"));
    }

    @Test
    void bootCounterIsPersistedAndIncrementedPerStart() throws Exception {
        Path dir = state.resolve("device-000");
        Instant start = Instant.parse("2024-06-21T18:00:00Z");
        SimulatedDevice first = SimulatedDevice.builder().stateDir(dir).start(start).build();
        assertEquals(1, first.boot());
        first.next();
        first.next();
        long register = first.registerMwh();
        assertTrue(register > 0, "June noon in Colorado produces");
        String key = first.key().hex();

        SimulatedDevice second = SimulatedDevice.builder().stateDir(dir).start(start.plusSeconds(20)).build();
        assertEquals(2, second.boot());
        assertEquals(0, second.seq());
        assertEquals(key, second.key().hex(), "the key is kept in key.pem");
        assertEquals(first.installation(), second.installation());
        assertEquals(register, second.registerMwh(), "the register survives a restart");
        assertTrue(second.next().get(0).reading().energyMwh() >= register);

        SimulatedDevice third = SimulatedDevice.builder().stateDir(dir).build();
        assertEquals(3, third.boot());
        assertTrue(Files.readString(dir.resolve("device.properties")).contains("boot=3"));
        assertTrue(Files.readString(dir.resolve("key.pem")).contains("BEGIN PRIVATE KEY"));
    }

    @Test
    void aNewDeviceGetsAMacDerivedFromItsKey() throws Exception {
        SimulatedDevice a = SimulatedDevice.builder().stateDir(state.resolve("a")).index(0).build();
        SimulatedDevice b = SimulatedDevice.builder().stateDir(state.resolve("b")).index(1).build();
        assertTrue(a.installation().meterMacHex().startsWith("02"));
        assertEquals(a.key().deviceIdHex().substring(6), a.installation().meterMacHex().substring(2));
        assertTrue(b.installation().name().endsWith("(" + b.deviceIdHex().substring(0, 6) + ")"));
        assertEquals(a.installation().latitudeDeg() + 0.01, b.installation().latitudeDeg(), 1e-9);
    }

    @Test
    void outboxRemovesExactlyWhatAnAckNamesAndSurvivesARestart() throws Exception {
        Path file = state.resolve("buffer.jsonl");
        ResendBuffer buffer = new ResendBuffer(file, 100);
        Envelope envelope = new Envelope(new byte[52], new byte[64]);
        for (int seq = 0; seq < 5; seq++) {
            buffer.add(1, seq, envelope);
        }
        buffer.add(2, 0, envelope);
        assertEquals(List.of(), buffer.add(1, 3, envelope), "an entry already held is not added again");
        assertEquals(6, new ResendBuffer(file, 100).size());
        // stored 1 and 3, refused 4: a hole at 2 stays, whatever the position
        DeviceAck ack = new DeviceAck(1, List.of(new SeqRange(1, 1), new SeqRange(3, 3)), List.of(new SeqRange(4, 4)));
        assertEquals(List.of(1L, 3L, 4L), buffer.acknowledge(ack).stream().map(ResendBuffer.Entry::seq).toList());
        assertEquals(List.of(), buffer.acknowledge(ack), "a repeated ack removes nothing");
        assertEquals(List.of(), buffer.acknowledge(new DeviceAck(3, List.of(new SeqRange(0, 100)), List.of())),
                "another boot's ack removes nothing");
        ResendBuffer reloaded = new ResendBuffer(file, 100);
        assertEquals(List.of("1/0", "1/2", "2/0"), reloaded.entries().stream().map(e -> e.boot() + "/" + e.seq())
                .toList());
        assertEquals(1, reloaded.acknowledge(new DeviceAck(2, List.of(new SeqRange(0, 0)), List.of())).size());
        assertEquals(2, new ResendBuffer(file, 100).size());
    }

    @Test
    void outboxDropsTheOldestBeyondItsCapacityAndCountsThem() throws Exception {
        Path file = state.resolve("buffer.jsonl");
        List<Long> reported = new ArrayList<>();
        ResendBuffer buffer = new ResendBuffer(file, 3, reported::add);
        Envelope envelope = new Envelope(new byte[52], new byte[64]);
        List<ResendBuffer.Entry> gone = new ArrayList<>();
        for (int seq = 0; seq < 5; seq++) {
            gone.addAll(buffer.add(1, seq, envelope));
        }
        assertEquals(List.of(0L, 1L), gone.stream().map(ResendBuffer.Entry::seq).toList());
        assertEquals(2, buffer.dropped());
        assertEquals(List.of(1L, 1L), reported);
        assertEquals(3, buffer.size());
        assertEquals(2, buffer.entries().get(0).seq());
        assertEquals(3, new ResendBuffer(file, 3).size());
    }

    @Test
    void theStorePersistsTheDroppedTotal() throws Exception {
        Path dir = state.resolve("dev");
        DeviceStore store = DeviceStore.open(dir, () -> DeviceSigner.generate(new SecureRandom()), 2);
        Envelope envelope = new Envelope(new byte[52], new byte[64]);
        for (int seq = 0; seq < 5; seq++) {
            store.buffer().add(1, seq, envelope);
        }
        assertEquals(3, store.outboxDropped());
        DeviceStore reopened = DeviceStore.open(dir, () -> DeviceSigner.generate(new SecureRandom()), 2);
        assertEquals(3, reopened.outboxDropped());
        assertEquals(List.of(3L, 4L), reopened.buffer().entries().stream().map(ResendBuffer.Entry::seq).toList());
    }
}
