package io.wattwitness.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.wattwitness.ingest.service.DeviceTopics;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings under {@code ingest.*} (application.properties; every connection setting has an environment override,
 * see README.md). Kafka settings live under {@code kafka.*} and {@code mp.messaging.*}.
 */
@ConfigMapping(prefix = "ingest")
public interface IngestConfig {

    /** @return the device-facing MQTT connection */
    Mqtt mqtt();

    /** @return limits of the cheap checks and of the in-memory ack tracker */
    Limits limits();

    /** The MQTT connection that receives readings and status (persistent session, QoS 1). */
    interface Mqtt {

        /** @return broker host, env {@code MQTT_HOST} */
        String host();

        /** @return broker port, env {@code MQTT_PORT} */
        int port();

        /** @return fixed client id of the persistent session, env {@code MQTT_CLIENT_ID} */
        String clientId();

        /**
         * @return root of the device topics, env {@code MQTT_TOPIC_ROOT}; {@code wattwitness/v1/devices} in
         *         production, another root isolates a test or staging stack on a shared broker
         */
        @WithDefault(DeviceTopics.DEFAULT_ROOT)
        String topicRoot();

        /** @return user name, env {@code MQTT_USERNAME}; absent for anonymous */
        Optional<String> username();

        /** @return password, env {@code MQTT_PASSWORD} */
        Optional<String> password();

        /** @return MQTT keep-alive in seconds */
        @WithDefault("30")
        int keepAliveSeconds();

        /** @return first delay before reconnecting after the connection is lost or refused */
        @WithDefault("1s")
        Duration reconnectDelay();

        /** @return longest delay between reconnection attempts (the delay doubles up to this) */
        @WithDefault("30s")
        Duration maxReconnectDelay();

        /** @return largest MQTT packet the client decodes, bytes; keep the broker's message_size_limit below it */
        @WithDefault("1048576")
        int maxMessageBytes();
    }

    /** Limits. */
    interface Limits {

        /** @return largest envelope or status payload accepted, bytes; larger ones are rejected as too large */
        @WithDefault("4096")
        int maxPayloadBytes();

        /**
         * @return most payload bytes a {@code readings.rejected} record keeps; longer payloads are cut (the record
         *         notes the full size and SHA-256). Keep its base64 (4/3 of it) well below Kafka's record size limit.
         */
        @WithDefault("65536")
        int maxRejectedRawBytes();

        /** @return devices the ack tracker remembers at once (least recently used forgotten first) */
        @WithDefault("100000")
        int ackMaxDevices();

        /** @return out-of-order seqs remembered per device */
        @WithDefault("1024")
        int ackMaxPending();
    }
}
