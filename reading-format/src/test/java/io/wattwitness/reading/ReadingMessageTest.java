package io.wattwitness.reading;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class ReadingMessageTest {

    private static final ReadingMessage SAMPLE = new ReadingMessage(0x1122334455667788L, 0x34945a1b2c3dL, 7, 42,
            1_767_225_642_000L, 2_345_678, 1_523_400_000, ReadingFlags.CLOCK_SYNCED);

    @Test
    void encodesTheDocumentedLayout() {
        byte[] bytes = SAMPLE.encode();
        assertEquals(52, bytes.length);
        assertEquals("575752" + "01" + "1122334455667788" + "34945a1b2c3d" + "00000007" + "0000002a"
                + "0000019b76db4c10" + "000000000023cace" + "000000005acd3d40" + "0001", Hex.encode(bytes));
    }

    @Test
    void decodesWhatItEncodes() throws ReadingFormatException {
        ReadingMessage decoded = ReadingMessage.decode(SAMPLE.encode());
        assertEquals(SAMPLE, decoded);
        assertEquals("1122334455667788", decoded.deviceIdHex());
        assertEquals("34945a1b2c3d", decoded.meterIdHex());
        assertEquals(2345.678, decoded.powerW(), 1e-9);
        assertEquals(1_523_400.0, decoded.energyWh(), 1e-9);
        assertTrue(decoded.hasFlag(ReadingFlags.CLOCK_SYNCED));
        assertFalse(decoded.hasFlag(ReadingFlags.REGISTER_RESTARTED));
        assertEquals(new ReadingIdentity(0x1122334455667788L, 7, 42), decoded.identity());
    }

    @Test
    void decodeNamesTheOffendingField() {
        byte[] bytes = SAMPLE.encode();
        assertEquals("message", assertThrows(ReadingFormatException.class,
                () -> ReadingMessage.decode(new byte[51])).field());
        assertEquals(ReadingFormatException.Code.MESSAGE_LENGTH, assertThrows(ReadingFormatException.class,
                () -> ReadingMessage.decode(null)).code());
        byte[] magic = bytes.clone();
        magic[2] = 'X';
        assertEquals("magic", assertThrows(ReadingFormatException.class, () -> ReadingMessage.decode(magic)).field());
        byte[] version = bytes.clone();
        version[3] = 0;
        assertEquals("version", assertThrows(ReadingFormatException.class,
                () -> ReadingMessage.decode(version)).field());
        byte[] flags = bytes.clone();
        flags[50] = 0x01;
        ReadingFormatException reserved = assertThrows(ReadingFormatException.class,
                () -> ReadingMessage.decode(flags));
        assertEquals(ReadingFormatException.Code.RESERVED_FLAGS, reserved.code());
        assertEquals("flags: reserved bits set: 0x100", reserved.getMessage());
        byte[] energy = bytes.clone();
        energy[42] = (byte) 0xff;
        assertEquals("energy_mwh", assertThrows(ReadingFormatException.class,
                () -> ReadingMessage.decode(energy)).field());
    }

    @Test
    void constructorRejectsOutOfRangeFields() {
        assertThrows(IllegalArgumentException.class,
                () -> new ReadingMessage(1, 1L << 48, 0, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new ReadingMessage(1, 0, 1L << 32, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ReadingMessage(1, 0, 0, -1, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ReadingMessage(1, 0, 0, 0, 0, 0, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ReadingMessage(1, 0, 0, 0, 0, 0, 0, 8));
    }

    @Test
    void signerAndVerifierAgreeAndNormaliseHighS() throws ReadingFormatException {
        DeviceSigner signer = new DeviceSigner(BigInteger.valueOf(123_456_789));
        ReadingMessage reading = new ReadingMessage(signer.publicKey().deviceId(), 1, 1, 1, 1, 1, 1, 0);
        byte[] message = reading.encode();
        byte[] signature = signer.sign(message);
        assertTrue(P256.isLowS(signature));
        VerifiedReading verified = ReadingVerifier.verify(signer.publicKey(), message, signature);
        assertFalse(verified.wasHighS());
        byte[] highS = VectorGenerator.highS(signature);
        assertFalse(P256.isLowS(highS));
        VerifiedReading fromHighS = ReadingVerifier.verify(signer.publicKey(), message, highS);
        assertTrue(fromHighS.wasHighS());
        assertArrayEquals(signature, fromHighS.lowSSignature());
        assertArrayEquals(signature, P256.toLowS(highS));
    }

    @Test
    void envelopeChecksHexAndReadsTheDeviceId() throws ReadingFormatException {
        String message = Hex.encode(SAMPLE.encode()).toUpperCase();
        String signature = "AB".repeat(64);
        Envelope envelope = Envelope.ofHex(message, signature);
        assertEquals("1122334455667788", envelope.deviceIdHex());
        assertEquals("{\"message\":\"" + message.toLowerCase() + "\",\"signature\":\"" + "ab".repeat(64) + "\"}",
                envelope.toJson());
        assertEquals("message", assertThrows(ReadingFormatException.class,
                () -> Envelope.ofHex(message.substring(2), signature)).field());
        assertEquals("signature", assertThrows(ReadingFormatException.class,
                () -> Envelope.ofHex(message, "zz".repeat(64))).field());
        assertEquals("signature", assertThrows(ReadingFormatException.class,
                () -> Envelope.ofHex(message, null)).field());
    }

    @Test
    void topicsCarryTheDeviceId() {
        assertEquals("wattwitness/v1/devices/1122334455667788/readings", MqttTopics.readings("1122334455667788"));
        assertEquals("1122334455667788", MqttTopics.deviceIdOf("wattwitness/v1/devices/1122334455667788/status"));
        assertNull(MqttTopics.deviceIdOf("other/topic"));
        assertNull(MqttTopics.deviceIdOf("wattwitness/v1/devices/abc"));
    }
}
