package io.wattwitness.simulator.repository;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Base64;
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
    void resendBufferAcknowledgesAndSurvivesARestart() throws Exception {
        Path file = state.resolve("buffer.jsonl");
        ResendBuffer buffer = new ResendBuffer(file, 100);
        Envelope envelope = new Envelope(new byte[52], new byte[64]);
        buffer.add(1, 0, envelope);
        buffer.add(1, 1, envelope);
        buffer.add(1, 2, envelope);
        buffer.add(2, 0, envelope);
        assertEquals(4, new ResendBuffer(file, 100).size());
        assertEquals(2, buffer.acknowledge(1, 1));
        assertEquals(0, buffer.acknowledge(1, 1));
        ResendBuffer reloaded = new ResendBuffer(file, 100);
        assertEquals(2, reloaded.size());
        assertEquals(2, reloaded.entries().get(0).seq());
        assertEquals(2, reloaded.entries().get(1).boot());
        assertEquals(2, reloaded.acknowledge(2, 0));
        assertEquals(0, new ResendBuffer(file, 100).size());
    }

    @Test
    void resendBufferDropsTheOldestBeyondItsLimit() throws Exception {
        Path file = state.resolve("buffer.jsonl");
        ResendBuffer buffer = new ResendBuffer(file, 3);
        Envelope envelope = new Envelope(new byte[52], new byte[64]);
        for (int seq = 0; seq < 5; seq++) {
            buffer.add(1, seq, envelope);
        }
        assertEquals(3, buffer.size());
        assertEquals(2, buffer.entries().get(0).seq());
        assertEquals(3, new ResendBuffer(file, 3).size());
    }
}
