package io.wattwitness.verify.service;

/**
 * One record of {@code readings.raw} as the service sees it (ingest-service README): the envelope bytes exactly as
 * received, the receive time and where it came from.
 *
 * @param topic Kafka topic the record was read from
 * @param partition Kafka partition
 * @param offset Kafka offset
 * @param key record key (device id, 16 lowercase hex) or null
 * @param value the envelope JSON bytes exactly as received (empty, never null)
 * @param receivedAtMs receive time, Unix ms: header {@code ww-received-at}, else the Kafka record timestamp
 * @param source {@code mqtt}, {@code http} or {@code unknown} (header {@code ww-source})
 * @param mqttTopic the MQTT topic (header {@code ww-topic}) or null
 */
public record RawEnvelope(String topic, int partition, long offset, String key, byte[] value, long receivedAtMs,
        String source, String mqttTopic) {

    /** Latest receive time taken from a header or record: 9999-12-31T23:59:59.999Z. */
    public static final long MAX_PLAUSIBLE_MS = 253_402_300_799_999L;

    /**
     * @param epochMs a receive time from a header or record
     * @return whether it is usable as a timestamp (after 1970, before year 10000)
     */
    public static boolean isPlausibleTime(long epochMs) {
        return epochMs > 0 && epochMs <= MAX_PLAUSIBLE_MS;
    }

    /** @return topic/partition/offset, for logs and quarantine details */
    public String position() {
        return topic + "/" + partition + "@" + offset;
    }
}
