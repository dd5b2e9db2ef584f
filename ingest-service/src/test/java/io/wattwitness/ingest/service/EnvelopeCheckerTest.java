package io.wattwitness.ingest.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.wattwitness.reading.DeviceSigner;
import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.ReadingMessage;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class EnvelopeCheckerTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final EnvelopeChecker checker = new EnvelopeChecker(4096);
    private final DeviceSigner signer = DeviceSigner.generate(RANDOM);
    private final String deviceId = signer.publicKey().deviceIdHex();

    private Envelope envelope(long boot, long seq) {
        ReadingMessage reading = new ReadingMessage(signer.publicKey().deviceId(), 0x0011_2233_4455L, boot, seq,
                1_735_689_600_000L + seq * 10_000, 1_500_000, 42_000_000 + seq, 0);
        byte[] message = reading.encode();
        return new Envelope(message, signer.sign(message));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private EnvelopeCheck.Rejected rejected(String payload, String topicDeviceId) {
        return assertInstanceOf(EnvelopeCheck.Rejected.class, checker.check(utf8(payload), topicDeviceId));
    }

    @Test
    void acceptsAWellFormedEnvelopeAndReadsDeviceBootAndSeq() {
        Envelope envelope = envelope(7, 123_456);
        EnvelopeCheck.Accepted accepted = assertInstanceOf(EnvelopeCheck.Accepted.class,
                checker.check(utf8(envelope.toJson()), deviceId));
        assertEquals(deviceId, accepted.deviceId());
        assertEquals(7, accepted.boot());
        assertEquals(123_456, accepted.seq());
        assertArrayEquals(envelope.message(), accepted.envelope().message());
        assertArrayEquals(envelope.signature(), accepted.envelope().signature());
    }

    @Test
    void acceptsUppercaseHexWhitespaceAndExtraMembers() {
        Envelope envelope = envelope(1, 2);
        String payload = "{ \"signature\" : \"" + envelope.signatureHex().toUpperCase() + "\",\n  \"message\": \""
                + envelope.messageHex().toUpperCase() + "\", \"note\": {\"x\": 1} }";
        EnvelopeCheck.Accepted accepted = assertInstanceOf(EnvelopeCheck.Accepted.class,
                checker.check(utf8(payload), deviceId));
        assertEquals(deviceId, accepted.deviceId());
        assertEquals(2, accepted.seq());
    }

    @Test
    void withoutATransportDeviceIdOnlyTheShapeIsChecked() {
        EnvelopeCheck.Accepted accepted = assertInstanceOf(EnvelopeCheck.Accepted.class,
                checker.check(utf8(envelope(0, 0).toJson()), null));
        assertEquals(deviceId, accepted.deviceId());
    }

    @Test
    void rejectsPayloadsAboveTheLimitBeforeParsing() {
        byte[] big = new byte[4097];
        EnvelopeCheck.Rejected rejected = assertInstanceOf(EnvelopeCheck.Rejected.class, checker.check(big, deviceId));
        assertEquals(RejectReason.PAYLOAD_TOO_LARGE, rejected.reason());
        assertEquals("payload is 4097 bytes, the limit is 4096", rejected.detail());
        assertInstanceOf(EnvelopeCheck.Accepted.class,
                new EnvelopeChecker(300).check(utf8(envelope(0, 0).toJson()), deviceId));
    }

    @Test
    void rejectsWhatIsNotOneJsonObject() {
        for (String payload : new String[] {"", "not json", "[1,2]", "\"text\"", "42", "{\"message\":\"ab\"",
            envelope(0, 0).toJson() + " {}"}) {
            assertEquals(RejectReason.MALFORMED_JSON, rejected(payload, deviceId).reason(), payload);
        }
        Envelope envelope = envelope(0, 0);
        String duplicated = "{\"message\":\"" + envelope.messageHex() + "\",\"message\":\"" + envelope.messageHex()
                + "\",\"signature\":\"" + envelope.signatureHex() + "\"}";
        assertEquals(RejectReason.MALFORMED_JSON, rejected(duplicated, deviceId).reason());
        byte[] invalidUtf8 = {'{', '"', 'm', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        EnvelopeCheck.Rejected binary = assertInstanceOf(EnvelopeCheck.Rejected.class,
                checker.check(invalidUtf8, deviceId));
        assertEquals(RejectReason.MALFORMED_JSON, binary.reason());
    }

    @Test
    void rejectsAMissingMemberNamingIt() {
        Envelope envelope = envelope(0, 0);
        EnvelopeCheck.Rejected noSignature = rejected("{\"message\":\"" + envelope.messageHex() + "\"}", deviceId);
        assertEquals(RejectReason.MISSING_MEMBER, noSignature.reason());
        assertEquals("member signature is missing", noSignature.detail());
        EnvelopeCheck.Rejected noMessage = rejected("{\"signature\":\"" + envelope.signatureHex() + "\"}", deviceId);
        assertEquals(RejectReason.MISSING_MEMBER, noMessage.reason());
        assertEquals("member message is missing", noMessage.detail());
    }

    @Test
    void rejectsABadMessageMember() {
        Envelope envelope = envelope(0, 0);
        String sig = envelope.signatureHex();
        String hex = envelope.messageHex();
        for (String message : new String[] {"\"" + hex.substring(2) + "\"", "\"" + hex + "00\"",
            "\"" + hex.substring(1) + "g\"", "\"0x" + hex.substring(2) + "\"", "null", "12", "[]"}) {
            EnvelopeCheck.Rejected rejected = rejected("{\"message\":" + message + ",\"signature\":\"" + sig + "\"}",
                    deviceId);
            assertEquals(RejectReason.MESSAGE_LENGTH, rejected.reason(), message);
            assertEquals("message: expected 104 hex characters, as a JSON string", rejected.detail());
        }
    }

    @Test
    void rejectsABadSignatureMember() {
        Envelope envelope = envelope(0, 0);
        String hex = envelope.signatureHex();
        for (String signature : new String[] {"\"" + hex.substring(2) + "\"", "\"" + hex + "0\"",
            "\"" + hex.substring(1) + "z\"", "true"}) {
            EnvelopeCheck.Rejected rejected = rejected("{\"message\":\"" + envelope.messageHex()
                    + "\",\"signature\":" + signature + "}", deviceId);
            assertEquals(RejectReason.SIGNATURE_LENGTH, rejected.reason(), signature);
        }
    }

    @Test
    void rejectsAnEnvelopeOnAnotherDevicesTopic() {
        String other = DeviceSigner.generate(RANDOM).publicKey().deviceIdHex();
        EnvelopeCheck.Rejected rejected = rejected(envelope(0, 0).toJson(), other);
        assertEquals(RejectReason.TOPIC_MISMATCH, rejected.reason());
        assertEquals("topic names device " + other + " but the message is from device " + deviceId,
                rejected.detail());
        assertEquals(RejectReason.TOPIC_MISMATCH, rejected(envelope(0, 0).toJson(), deviceId.toUpperCase()).reason());
        assertEquals(RejectReason.TOPIC_MISMATCH, rejected(envelope(0, 0).toJson(), "").reason());
    }

    @Test
    void refusesALimitBelowACompactEnvelope() {
        assertThrows(IllegalArgumentException.class, () -> new EnvelopeChecker(100));
    }
}
