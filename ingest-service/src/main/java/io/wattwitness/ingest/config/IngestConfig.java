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

    /** @return limits of the cheap checks */
    Limits limits();

    /** @return the relay of acks from Kafka {@code devices.acks} to MQTT {@code <root>/{id}/ack} */
    Acks acks();

    /** The MQTT connection that receives readings and status (persistent session, QoS 1). */
    interface Mqtt {

        /** @return broker host, env {@code MQTT_HOST} */
        String host();

        /** @return broker port, env {@code MQTT_PORT} */
        int port();

        /**
         * @return client id of this replica's persistent session, env {@code MQTT_CLIENT_ID}: stable across restarts
         *         and different for every replica (in Kubernetes the StatefulSet pod name); the ack publisher
         *         connects as {@code <client-id>-acks}
         */
        String clientId();

        /**
         * @return whether to subscribe with MQTT shared subscriptions {@code $share/<shared-group>/…}, env
         *         {@code MQTT_SHARED_SUBSCRIPTION}; turn off only for a broker without shared subscriptions (then run
         *         a single replica)
         */
        @WithDefault("true")
        boolean sharedSubscription();

        /** @return share name common to all replicas, env {@code MQTT_SHARED_GROUP} */
        @WithDefault("wattwitness-ingest")
        String sharedGroup();

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
    }

    /** The ack relay (SPEC.md §6.1). The Kafka consumer itself is configured under {@code mp.messaging}. */
    interface Acks {

        /**
         * @return most acks published to MQTT and not yet PUBACKed by the broker; when reached the relay takes no
         *         further Kafka record until one completes (the consumer's own queue then fills and it pauses)
         */
        @WithDefault("64")
        int maxInFlight();

        /** @return largest {@code devices.acks} value accepted, bytes; larger ones are counted and skipped */
        @WithDefault("16384")
        int maxValueBytes();

        /** @return how long to wait for the broker's PUBACK before the publish counts as failed and is retried */
        @WithDefault("30s")
        Duration pubackTimeout();

        /** @return first delay before publishing a failed ack again (doubles up to {@link #maxRetryDelay()}) */
        @WithDefault("1s")
        Duration retryDelay();

        /** @return longest delay between attempts to publish one ack; attempts never stop */
        @WithDefault("30s")
        Duration maxRetryDelay();
    }
}
