package io.wattwitness.ingest.service;

import io.wattwitness.reading.MqttTopics;

/**
 * The device topics under a configurable root (SPEC.md §6; the default root {@value #DEFAULT_ROOT} gives exactly
 * {@link MqttTopics}). A different root lets tests and staging share a broker without seeing each other's
 * devices. Plain Java, immutable.
 */
public final class DeviceTopics {

    /** Root of the device topics in production, {@link MqttTopics#PREFIX} without the trailing slash. */
    public static final String DEFAULT_ROOT = "wattwitness/v1/devices";

    private final String prefix;

    /**
     * @param root topic root without a trailing slash and without wildcards, e.g. {@value #DEFAULT_ROOT}
     * @throws IllegalArgumentException if the root is empty, ends with a slash or contains {@code +} or {@code #}
     */
    public DeviceTopics(String root) {
        if (root.isEmpty() || root.endsWith("/") || root.contains("+") || root.contains("#")) {
            throw new IllegalArgumentException("bad MQTT topic root: '" + root + "'");
        }
        this.prefix = root + "/";
    }

    /** @return subscription filter for the readings of every device, {@code <root>/+/readings} */
    public String readingsFilter() {
        return prefix + "+/readings";
    }

    /** @return subscription filter for the status of every device, {@code <root>/+/status} */
    public String statusFilter() {
        return prefix + "+/status";
    }

    /**
     * The subscription filter of every device's readings as an MQTT shared subscription (MQTT 5.0 §4.8.2, also
     * accepted from MQTT 3.1.1 clients by Mosquitto 2): the broker hands each message to one member of the group.
     *
     * @param group share name: not empty, without {@code /}, {@code +} or {@code #}
     * @return {@code $share/<group>/<root>/+/readings}
     * @throws IllegalArgumentException for a bad share name
     */
    public String sharedReadingsFilter(String group) {
        return share(group) + readingsFilter();
    }

    /**
     * @param group share name: not empty, without {@code /}, {@code +} or {@code #}
     * @return {@code $share/<group>/<root>/+/status}
     * @throws IllegalArgumentException for a bad share name
     */
    public String sharedStatusFilter(String group) {
        return share(group) + statusFilter();
    }

    /**
     * @param deviceId device id, 16 lowercase hex characters
     * @return {@code <root>/{id}/readings}
     */
    public String readings(String deviceId) {
        return prefix + deviceId + "/readings";
    }

    /**
     * @param deviceId device id, 16 lowercase hex characters
     * @return {@code <root>/{id}/status}
     */
    public String status(String deviceId) {
        return prefix + deviceId + "/status";
    }

    /**
     * @param deviceId device id, 16 lowercase hex characters
     * @return {@code <root>/{id}/ack}
     */
    public String ack(String deviceId) {
        return prefix + deviceId + "/ack";
    }

    /**
     * @param topic a topic name
     * @return true for {@code <root>/<one level>/readings}
     */
    public boolean isReadings(String topic) {
        return isDeviceTopic(topic, "/readings");
    }

    /**
     * @param topic a topic name
     * @return true for {@code <root>/<one level>/status}
     */
    public boolean isStatus(String topic) {
        return isDeviceTopic(topic, "/status");
    }

    /**
     * @param topic a topic name
     * @return the level after the root (the device id, possibly empty or malformed), or null when the topic is not
     *         below the root
     */
    public String deviceIdOf(String topic) {
        if (topic == null || !topic.startsWith(prefix)) {
            return null;
        }
        int end = topic.indexOf('/', prefix.length());
        return end < 0 ? null : topic.substring(prefix.length(), end);
    }

    private static String share(String group) {
        if (group == null || group.isEmpty() || group.contains("/") || group.contains("+") || group.contains("#")) {
            throw new IllegalArgumentException("bad MQTT share name: '" + group + "'");
        }
        return "$share/" + group + "/";
    }

    private boolean isDeviceTopic(String topic, String suffix) {
        String id = deviceIdOf(topic);
        return id != null && topic.endsWith(suffix)
                && topic.length() == prefix.length() + id.length() + suffix.length();
    }
}
