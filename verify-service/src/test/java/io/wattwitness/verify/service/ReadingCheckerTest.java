package io.wattwitness.verify.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wattwitness.reading.DeviceKey;
import io.wattwitness.reading.DeviceSigner;
import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.Hex;
import io.wattwitness.reading.ReadingMessage;
import io.wattwitness.verify.repository.InstallationKeyRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The stateless checks against every case of reading-format/vectors/readings.jsonl, plus envelope defects. */
class ReadingCheckerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> vectors() throws IOException {
        Path file = Path.of(System.getProperty("wattwitness.vectors.dir", "../reading-format/vectors"), "readings.jsonl");
        List<JsonNode> cases = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                cases.add(JSON.readTree(line));
            }
        }
        return cases;
    }

    private static String envelopeJson(JsonNode vector) {
        return "{\"message\":\"" + vector.get("message").asText() + "\",\"signature\":\""
                + vector.get("signature").asText() + "\"}";
    }

    /** The device id the message claims (bytes 4..11), or the key's own when the message is too short. */
    private static String claimedDeviceId(JsonNode vector) {
        byte[] message = Hex.decode(vector.get("message").asText());
        if (message.length < 12) {
            return "0000000000000000";
        }
        long id = 0;
        for (int i = 4; i < 12; i++) {
            id = (id << 8) | (message[i] & 0xff);
        }
        return Hex.ofLong(id);
    }

    @TestFactory
    Stream<DynamicTest> everyVectorGetsItsExpectedOutcome() throws IOException {
        List<JsonNode> cases = vectors();
        assertTrue(cases.size() >= 30, "expected the full vector set, got " + cases.size());
        return cases.stream().map(vector -> DynamicTest.dynamicTest(vector.get("name").asText(), () -> {
            String claimed = claimedDeviceId(vector);
            RawEnvelope raw = TestReadings.raw(claimed, envelopeJson(vector), TestReadings.T0);
            Checked parsed = ReadingChecker.parse(raw);
            String error = vector.get("error").isNull() ? null : vector.get("error").asText();

            // the key as registered for the claimed device id; a key off the curve cannot be registered at all
            var row = new InstallationKeyRepository.KeyRow(42, claimed, vector.get("public_key").asText(), null);
            var registered = DeviceKeyCache.parse(row);
            if ("key_not_on_curve".equals(error)) {
                assertTrue(registered.isEmpty(), "an invalid key must not be usable");
                Checked result = ReadingChecker.verify(parsed, Map.of());
                assertEquals("unknown_device", assertInstanceOf(Checked.Rejected.class, result).reason());
                return;
            }
            Checked result = ReadingChecker.verify(parsed, Map.of(claimed, registered.orElseThrow()));
            if (error == null) {
                Checked.Accepted accepted = assertInstanceOf(Checked.Accepted.class, result);
                assertEquals(42, accepted.installationId());
                assertArrayEquals(Hex.decode(vector.get("low_s_signature").asText()), accepted.reading().lowSSignature());
                JsonNode fields = vector.get("fields");
                assertEquals(fields.get("boot").asLong(), accepted.message().boot());
                assertEquals(fields.get("seq").asLong(), accepted.message().seq());
                assertEquals(fields.get("energy_mwh").asLong(), accepted.message().energyMwh());
                assertEquals(fields.get("device_id").asText(), accepted.deviceId());
            } else {
                Checked.Rejected rejected = assertInstanceOf(Checked.Rejected.class, result);
                assertEquals(error, rejected.reason(), rejected.detail());
                if (parsed instanceof Checked.Decoded decoded) {
                    assertEquals(decoded.message().boot(), rejected.boot());
                    assertEquals(42L, rejected.installationId());
                } else {
                    assertNull(rejected.boot());
                }
            }
        }));
    }

    @Test
    void aMessageWhoseDeviceIdIsNotRegisteredIsAnUnknownDevice() throws Exception {
        JsonNode mismatch = vectors().stream().filter(v -> v.get("name").asText().equals("device-id-mismatch"))
                .findFirst().orElseThrow();
        DeviceKey key = DeviceKey.ofHex(mismatch.get("public_key").asText());
        // registered under its own device id, as the database does: the message names another device
        Checked result = ReadingChecker.verify(ReadingChecker.parse(TestReadings.raw(key.deviceIdHex(),
                envelopeJson(mismatch), TestReadings.T0)), Map.of(key.deviceIdHex(),
                new RegisteredKey(1, key.deviceIdHex(), key)));
        Checked.Rejected rejected = assertInstanceOf(Checked.Rejected.class, result);
        assertEquals("unknown_device", rejected.reason());
        assertEquals(claimedDeviceId(mismatch), rejected.deviceId());
        assertNull(rejected.installationId());
    }

    @Test
    void aRetiredKeySignsNothingAfterItsRetirement() {
        DeviceSigner device = TestReadings.newDevice();
        String id = device.publicKey().deviceIdHex();
        long retiredAt = TestReadings.T0 + 60_000;
        Map<String, RegisteredKey> keys = Map.of(id, new RegisteredKey(5, id, device.publicKey(), retiredAt));
        // up to the retirement instant (inclusive) the retired key still verifies: history stays checkable
        for (long time : new long[] {TestReadings.T0, retiredAt}) {
            ReadingMessage before = TestReadings.message(device, 1, time == retiredAt ? 1 : 0, time, 10, 0);
            Checked ok = ReadingChecker.verify(ReadingChecker.parse(TestReadings.raw(id,
                    TestReadings.envelope(device, before), time + 1_000)), keys);
            assertEquals(5L, assertInstanceOf(Checked.Accepted.class, ok).installationId());
        }
        // one millisecond later it is refused (as the contract and the workflow refuse it), with the reading named
        ReadingMessage after = TestReadings.message(device, 1, 2, retiredAt + 1, 10, 0);
        Checked refused = ReadingChecker.verify(ReadingChecker.parse(TestReadings.raw(id,
                TestReadings.envelope(device, after), retiredAt + 1_000)), keys);
        Checked.Rejected rejected = assertInstanceOf(Checked.Rejected.class, refused);
        assertEquals("key_retired", rejected.reason());
        assertEquals(5L, rejected.installationId());
        assertEquals(2L, rejected.seq());
        // a bad signature under a retired key stays a bad signature
        byte[] tampered = after.encode();
        byte[] signature = device.sign(tampered);
        tampered[40] ^= 1;
        Checked bad = ReadingChecker.verify(ReadingChecker.parse(TestReadings.raw(id, new Envelope(tampered,
                signature).toJson(), retiredAt + 1_000)), keys);
        assertEquals("bad_signature", assertInstanceOf(Checked.Rejected.class, bad).reason());
    }

    private static String reasonOf(String payload) {
        Checked parsed = ReadingChecker.parse(TestReadings.raw("00112233445566ff", payload, TestReadings.T0));
        return assertInstanceOf(Checked.Rejected.class, parsed).reason();
    }

    @Test
    void envelopeDefectsHaveTheirReasons() {
        DeviceSigner device = TestReadings.newDevice();
        ReadingMessage message = TestReadings.message(device, 1, 0, TestReadings.T0, 0, 0);
        Envelope good = new Envelope(message.encode(), device.sign(message.encode()));
        assertEquals("malformed_json", reasonOf(""));
        assertEquals("malformed_json", reasonOf("{\"message\":"));
        assertEquals("malformed_json", reasonOf("[1,2]"));
        assertEquals("malformed_json", reasonOf("\"text\""));
        assertEquals("malformed_json", reasonOf("{\"message\":\"" + good.messageHex() + "\",\"message\":\""
                + good.messageHex() + "\",\"signature\":\"" + good.signatureHex() + "\"}"));
        assertEquals("missing_member", reasonOf("{\"signature\":\"" + good.signatureHex() + "\"}"));
        assertEquals("missing_member", reasonOf("{\"message\":\"" + good.messageHex() + "\"}"));
        assertEquals("missing_member", reasonOf("{\"message\":42,\"signature\":\"" + good.signatureHex() + "\"}"));
        assertEquals("message_length", reasonOf("{\"message\":\"" + good.messageHex() + "00\",\"signature\":\""
                + good.signatureHex() + "\"}"));
        assertEquals("message_length", reasonOf("{\"message\":\"" + good.messageHex().replace('a', 'g')
                + "\",\"signature\":\"" + good.signatureHex() + "\"}"));
        assertEquals("signature_length", reasonOf("{\"message\":\"" + good.messageHex() + "\",\"signature\":\""
                + good.signatureHex().substring(2) + "\"}"));
    }

    @Test
    void upperCaseHexAndExtraMembersAreAccepted() {
        DeviceSigner device = TestReadings.newDevice();
        ReadingMessage message = TestReadings.message(device, 3, 9, TestReadings.T0, 5, 1);
        Envelope envelope = new Envelope(message.encode(), device.sign(message.encode()));
        String json = "{\"message\":\"" + envelope.messageHex().toUpperCase() + "\",\"signature\":\""
                + envelope.signatureHex().toUpperCase() + "\",\"firmware\":\"1.2.0\"}";
        Checked result = ReadingChecker.verify(ReadingChecker.parse(TestReadings.raw(device.publicKey().deviceIdHex(),
                json, TestReadings.T0)), TestReadings.registry(3, device));
        assertEquals(9, assertInstanceOf(Checked.Accepted.class, result).message().seq());
    }

    @Test
    void deviceIdMustBeSixteenLowercaseHexDigits() {
        assertTrue(ReadingChecker.isDeviceId("0123456789abcdef"));
        assertEquals(false, ReadingChecker.isDeviceId("0123456789ABCDEF"));
        assertEquals(false, ReadingChecker.isDeviceId("0123456789abcde"));
        assertEquals(false, ReadingChecker.isDeviceId(null));
    }
}
