package io.wattwitness.ingest.messaging;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.mqtt.SendingMqttMessageMetadata;
import io.wattwitness.ingest.service.DeviceAck;
import io.wattwitness.ingest.service.DeviceTopics;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes application-level acks on {@code <root>/{id}/ack} (by default {@code wattwitness/v1/devices/{id}/ack})
 * at QoS 1, not retained (kafka-contract.md), through the MQTT connector channel {@value #DEVICE_ACKS}. A failed
 * publication is logged and otherwise harmless: the device keeps the readings and resends them, and the next ack
 * supersedes this one.
 */
@ApplicationScoped
public class DeviceAckPublisher {

    /** Outgoing MQTT channel of the acks (its own client id, clean session; see application.properties). */
    public static final String DEVICE_ACKS = "device-acks";

    private final MutinyEmitter<String> acks;
    private final DeviceTopics topics;

    DeviceAckPublisher(@Channel(DEVICE_ACKS) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
            MutinyEmitter<String> acks, DeviceTopics topics) {
        this.acks = acks;
        this.topics = topics;
    }

    /**
     * Publishes an ack without waiting for the broker.
     *
     * @param deviceId device id, 16 lowercase hex characters
     * @param ack highest contiguous (boot, seq) durably forwarded for the device
     */
    public void publish(String deviceId, DeviceAck ack) {
        Message<String> message = Message.of(ack.toJson()).addMetadata(
                new SendingMqttMessageMetadata(topics.ack(deviceId), MqttQoS.AT_LEAST_ONCE, false));
        try {
            acks.sendMessage(message).subscribe().with(
                    ignored -> Log.debugf("ack %s sent to device %s", ack.toJson(), deviceId),
                    failure -> Log.warnf("ack %s to device %s not published: %s", ack.toJson(), deviceId,
                            failure.toString()));
        } catch (RuntimeException e) {
            Log.warnf("ack %s to device %s not published: %s", ack.toJson(), deviceId, e.toString());
        }
    }
}
