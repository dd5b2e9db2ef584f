package io.wattwitness.ingest.messaging;

import io.wattwitness.ingest.service.DeviceTopics;
import io.wattwitness.reading.DeviceSigner;
import io.wattwitness.reading.Envelope;
import io.wattwitness.reading.ReadingMessage;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * A simulated device with a fresh random P-256 key, so every test run uses new device ids, publishing under the
 * topic root of this test run ({@link OfflineReadingsTestResource}).
 */
final class TestDevice {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DeviceSigner signer = DeviceSigner.generate(RANDOM);
    private final DeviceTopics topics = topics();

    /** @return the device topics of this test run */
    static DeviceTopics topics() {
        return new DeviceTopics(System.getProperty(OfflineReadingsTestResource.TOPIC_ROOT_PROPERTY));
    }

    /** @return device id, 16 lowercase hex characters */
    String id() {
        return signer.publicKey().deviceIdHex();
    }

    /** @return this device's readings topic */
    String readingsTopic() {
        return topics.readings(id());
    }

    /** @return this device's status topic */
    String statusTopic() {
        return topics.status(id());
    }

    /** @return this device's ack topic */
    String ackTopic() {
        return topics.ack(id());
    }

    /**
     * @param boot boot counter
     * @param seq sequence number
     * @return a signed envelope as compact JSON, UTF-8
     */
    byte[] envelope(long boot, long seq) {
        ReadingMessage reading = new ReadingMessage(signer.publicKey().deviceId(), 0x24_0A_C4_12_34_56L, boot, seq,
                System.currentTimeMillis(), 2_150_000 + seq, 7_000_000 + 6 * seq, 0);
        byte[] message = reading.encode();
        return new Envelope(message, signer.sign(message)).toJson().getBytes(StandardCharsets.UTF_8);
    }
}
