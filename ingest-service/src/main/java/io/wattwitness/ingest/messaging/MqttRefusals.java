package io.wattwitness.ingest.messaging;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.vertx.mqtt.MqttConnectionException;
import java.util.Locale;

/**
 * Names the broker's refusal of a connection (MQTT 3.1.1 §3.2.2.3 CONNACK return codes, MQTT 5.0 reason codes) for
 * log lines and the {@code reason} tag of {@code ingest_mqtt_connections_refused_total}.
 */
final class MqttRefusals {

    private MqttRefusals() {
    }

    /**
     * @param cause why a connection attempt failed
     * @return the refusal in lowercase words joined by {@code _} (e.g. {@code not_authorized},
     *         {@code bad_user_name_or_password}), or null when the broker did not refuse (network error, timeout)
     */
    static String reason(Throwable cause) {
        if (!(cause instanceof MqttConnectionException refused)) {
            return null;
        }
        MqttConnectReturnCode code = refused.code();
        return code.name().replaceFirst("^CONNECTION_REFUSED_", "").toLowerCase(Locale.ROOT);
    }

    /**
     * @param cause why a connection attempt failed, an {@link MqttConnectionException}
     * @return e.g. {@code not authorized (CONNACK return code 5)}
     */
    static String describe(Throwable cause) {
        MqttConnectReturnCode code = ((MqttConnectionException) cause).code();
        return reason(cause).replace('_', ' ') + " (CONNACK return code " + Byte.toUnsignedInt(code.byteValue())
                + ")";
    }
}
