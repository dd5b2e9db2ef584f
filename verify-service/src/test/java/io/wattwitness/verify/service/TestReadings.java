package io.wattwitness.verify.service;

import io.wattwitness.reading.DeviceSigner;
import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.ReadingMessage;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;

/** Builds signed readings, envelopes and records for the unit tests (fresh random keys). */
final class TestReadings {

    static final SecureRandom RANDOM = new SecureRandom();
    /** 2026-01-01T00:00:00Z. */
    static final long T0 = 1_767_225_600_000L;

    private TestReadings() {
    }

    static DeviceSigner newDevice() {
        return DeviceSigner.generate(RANDOM);
    }

    static ReadingMessage message(DeviceSigner device, long boot, long seq, long timestampMs, long energyMwh,
            int flags) {
        return new ReadingMessage(device.publicKey().deviceId(), 0x34945a1b2c3dL, boot, seq, timestampMs,
                1_500_000L + seq, energyMwh, flags);
    }

    static String envelope(DeviceSigner device, ReadingMessage message) {
        byte[] bytes = message.encode();
        return new Envelope(bytes, device.sign(bytes)).toJson();
    }

    static RawEnvelope raw(String key, String json, long receivedAtMs) {
        return raw(key, json.getBytes(StandardCharsets.UTF_8), receivedAtMs);
    }

    static RawEnvelope raw(String key, byte[] value, long receivedAtMs) {
        return new RawEnvelope("readings.raw", 0, RANDOM.nextInt(1_000_000), key, value, receivedAtMs, "mqtt",
                "wattwitness/v1/devices/" + key + "/readings");
    }

    static Map<String, RegisteredKey> registry(long installationId, DeviceSigner... devices) {
        HashMap<String, RegisteredKey> keys = new HashMap<>();
        for (DeviceSigner device : devices) {
            keys.put(device.publicKey().deviceIdHex(),
                    new RegisteredKey(installationId, device.publicKey().deviceIdHex(), device.publicKey()));
        }
        return keys;
    }

    /** A reading signed by {@code device}, received one second after its time, verified against the registry. */
    static Checked.Accepted accepted(DeviceSigner device, long boot, long seq, long energyMwh, int flags) {
        return accepted(device, message(device, boot, seq, T0 + seq * 10_000L, energyMwh, flags));
    }

    static Checked.Accepted accepted(DeviceSigner device, ReadingMessage message) {
        RawEnvelope raw = raw(device.publicKey().deviceIdHex(), envelope(device, message), message.timestampMs() + 1_000);
        Checked checked = ReadingChecker.verify(ReadingChecker.parse(raw), registry(7, device));
        if (!(checked instanceof Checked.Accepted accepted)) {
            throw new IllegalStateException("expected a verified reading, got " + checked);
        }
        return accepted;
    }
}
