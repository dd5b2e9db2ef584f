package io.wattwitness.reading;

/**
 * MQTT topics of the device protocol (SPEC.md §6). {@code {id}} is the device id as 16 lowercase hex digits.
 */
public final class MqttTopics {

    /** Prefix of every device topic. */
    public static final String PREFIX = "wattwitness/v1/devices/";
    /** Subscription filter for signed readings from every device (QoS 1). */
    public static final String READINGS_FILTER = PREFIX + "+/readings";
    /** Subscription filter for device status (birth / last will, retained). */
    public static final String STATUS_FILTER = PREFIX + "+/status";

    private MqttTopics() {
    }

    /**
     * @param deviceIdHex 16 hex digits
     * @return {@code wattwitness/v1/devices/{id}/readings}
     */
    public static String readings(String deviceIdHex) {
        return PREFIX + deviceIdHex + "/readings";
    }

    /**
     * @param deviceIdHex 16 hex digits
     * @return {@code wattwitness/v1/devices/{id}/status}
     */
    public static String status(String deviceIdHex) {
        return PREFIX + deviceIdHex + "/status";
    }

    /**
     * @param deviceIdHex 16 hex digits
     * @return {@code wattwitness/v1/devices/{id}/ack}, where the backend acknowledges durably stored readings
     */
    public static String ack(String deviceIdHex) {
        return PREFIX + deviceIdHex + "/ack";
    }

    /**
     * Extracts the device id segment of a device topic.
     *
     * @param topic a topic such as {@code wattwitness/v1/devices/0011223344556677/readings}
     * @return the id segment, or null when the topic is not a device topic
     */
    public static String deviceIdOf(String topic) {
        if (topic == null || !topic.startsWith(PREFIX)) {
            return null;
        }
        int end = topic.indexOf('/', PREFIX.length());
        return end < 0 ? null : topic.substring(PREFIX.length(), end);
    }
}
