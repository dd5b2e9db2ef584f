package io.wattwitness.stack;

import java.util.List;

/**
 * The broker's access rules (SPEC.md §6.3) as roles of Mosquitto's dynamic-security plugin: one role per device, one
 * for ingest-service and one for the administrator that reconciles the accounts.
 * <p>
 * Mosquitto 2.0.11's dynamic security substitutes no {@code %u} or {@code %c} in ACL topics (they are compared as
 * written), so every device has its own role with its own topics written out. A SUBSCRIBE is checked against the whole
 * filter as sent, {@code $share/<group>/} included: the ingest role therefore names its shared filters with their
 * group, and no device role names any {@code $share} filter.
 */
public final class MosquittoAcl {

    /** The topic root of SPEC.md §6. */
    public static final String DEFAULT_TOPIC_ROOT = "wattwitness/v1/devices";

    /** ingest-service's broker account. */
    public static final String DEFAULT_INGEST_USERNAME = "wattwitness-ingest";

    /** ingest-service's shared-subscription group ({@code ingest.mqtt.shared-group}). */
    public static final String DEFAULT_SHARED_GROUP = "wattwitness-ingest";

    /** The administrator account that reconciles the other accounts. */
    public static final String DEFAULT_ADMIN_USERNAME = "wattwitness-admin";

    /** The administrator's role: the dynamic-security control topics and nothing else. */
    public static final String ADMIN_ROLE = "wattwitness-admin";

    /** ingest-service's role. */
    public static final String INGEST_ROLE = "wattwitness-ingest";

    /** Prefix of a device's role; the device id follows. */
    public static final String DEVICE_ROLE_PREFIX = "wattwitness-device-";

    /** The dynamic-security control topics. */
    public static final String CONTROL_TOPICS = "$CONTROL/dynamic-security/#";

    /** A device id: 16 lowercase hex digits (SPEC.md §3.1). */
    static final String DEVICE_ID = "[0-9a-f]{16}";

    /**
     * One ACL entry of a role.
     *
     * @param type the dynamic-security ACL type: {@code publishClientSend}, {@code publishClientReceive},
     *        {@code subscribeLiteral}, {@code subscribePattern}, {@code unsubscribeLiteral} or
     *        {@code unsubscribePattern}
     * @param topic the topic or filter
     */
    public record Acl(String type, String topic) implements Comparable<Acl> {
        @Override
        public int compareTo(Acl other) {
            int byType = type.compareTo(other.type);
            return byType != 0 ? byType : topic.compareTo(other.topic);
        }
    }

    private MosquittoAcl() {
    }

    /**
     * @param deviceId a device id
     * @return the name of its role, {@code wattwitness-device-<id>}
     */
    public static String deviceRole(String deviceId) {
        return DEVICE_ROLE_PREFIX + deviceId;
    }

    /**
     * A device's ACLs: publish its {@code readings} and {@code status} (its will included), subscribe to and receive
     * its {@code ack}, exactly (no wildcard, no {@code $share}).
     *
     * @param topicRoot the topic root, see {@link #checkTopicRoot}
     * @param deviceId 16 lowercase hex digits
     * @return the ACLs, sorted
     * @throws IllegalArgumentException when the root or id is not usable
     */
    public static List<Acl> deviceAcls(String topicRoot, String deviceId) {
        checkTopicRoot(topicRoot);
        checkDeviceId(deviceId);
        String own = topicRoot + "/" + deviceId + "/";
        return sorted(List.of(
                new Acl("publishClientSend", own + "readings"),
                new Acl("publishClientSend", own + "status"),
                new Acl("subscribeLiteral", own + "ack"),
                new Acl("publishClientReceive", own + "ack")));
    }

    /**
     * ingest-service's ACLs: subscribe to every device's {@code readings} and {@code status}, through
     * {@code $share/<group>/} or directly, and receive them; publish every device's {@code ack}; subscribe to and
     * receive the broker's statistics ({@code $SYS/broker/#}, read by its ack publisher).
     *
     * @param topicRoot the topic root
     * @param sharedGroup the shared-subscription group of its replicas, see {@link #checkSharedGroup}
     * @return the ACLs, sorted
     * @throws IllegalArgumentException when the root or group is not usable
     */
    public static List<Acl> ingestAcls(String topicRoot, String sharedGroup) {
        checkTopicRoot(topicRoot);
        checkSharedGroup(sharedGroup);
        String readings = topicRoot + "/+/readings";
        String status = topicRoot + "/+/status";
        String share = "$share/" + sharedGroup + "/";
        return sorted(List.of(
                new Acl("subscribePattern", share + readings),
                new Acl("subscribePattern", share + status),
                new Acl("subscribePattern", readings),
                new Acl("subscribePattern", status),
                new Acl("publishClientReceive", readings),
                new Acl("publishClientReceive", status),
                new Acl("publishClientSend", topicRoot + "/+/ack"),
                new Acl("subscribePattern", "$SYS/broker/#"),
                new Acl("publishClientReceive", "$SYS/broker/#")));
    }

    /** @return the administrator's ACLs: send, subscribe to and receive {@value #CONTROL_TOPICS}, sorted */
    public static List<Acl> adminAcls() {
        return sorted(List.of(
                new Acl("publishClientSend", CONTROL_TOPICS),
                new Acl("subscribePattern", CONTROL_TOPICS),
                new Acl("publishClientReceive", CONTROL_TOPICS)));
    }

    private static List<Acl> sorted(List<Acl> acls) {
        return acls.stream().sorted().toList();
    }

    /**
     * @param topicRoot a topic root
     * @throws IllegalArgumentException when it is not a plain topic prefix: levels separated by {@code /}, none
     *         empty, no wildcards ({@code +}, {@code #}), no {@code %}, spaces or leading {@code $}
     */
    public static void checkTopicRoot(String topicRoot) {
        if (topicRoot == null || topicRoot.isEmpty() || topicRoot.startsWith("/") || topicRoot.endsWith("/")
                || topicRoot.contains("//") || topicRoot.matches(".*[+#%\\s].*") || topicRoot.startsWith("$")) {
            throw new IllegalArgumentException("a topic root is levels separated by '/', none empty, without "
                    + "wildcards, '%', spaces or a leading '$': " + topicRoot);
        }
    }

    /**
     * @param group a shared-subscription group
     * @throws IllegalArgumentException unless it is letters, digits, {@code .}, {@code _} or {@code -}
     */
    public static void checkSharedGroup(String group) {
        if (group == null || !group.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("a shared-subscription group is letters, digits, '.', '_' or '-': "
                    + group);
        }
    }

    /**
     * @param deviceId a device id
     * @throws IllegalArgumentException unless it is 16 lowercase hex digits
     */
    public static void checkDeviceId(String deviceId) {
        if (deviceId == null || !deviceId.matches(DEVICE_ID)) {
            throw new IllegalArgumentException("a device id is 16 lowercase hex digits: " + deviceId);
        }
    }

    /**
     * @param username a service or administrator account name
     * @throws IllegalArgumentException unless it is letters, digits, {@code .}, {@code _} or {@code -}, and not a
     *         device id (devices' accounts are recognised by their name)
     */
    public static void checkServiceUsername(String username) {
        if (username == null || !username.matches("[A-Za-z0-9._-]+") || username.matches(DEVICE_ID)) {
            throw new IllegalArgumentException("a service account is letters, digits, '.', '_' or '-' and not a "
                    + "device id: " + username);
        }
    }
}
