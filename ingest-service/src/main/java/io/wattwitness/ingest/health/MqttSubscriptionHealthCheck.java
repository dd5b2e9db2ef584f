package io.wattwitness.ingest.health;

import io.wattwitness.ingest.messaging.MqttDeviceListener;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the device-facing MQTT connection ({@code /q/health/ready}, check {@code mqtt-devices}): up when
 * connected and subscribed. The Kafka channels report through the messaging extension's own check
 * ({@code smallrye-reactive-messaging}), the ack publisher through {@link MqttAckPublisherHealthCheck}.
 */
@Readiness
@ApplicationScoped
public class MqttSubscriptionHealthCheck implements HealthCheck {

    private final MqttDeviceListener listener;

    MqttSubscriptionHealthCheck(MqttDeviceListener listener) {
        this.listener = listener;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("mqtt-devices")
                .status(listener.isSubscribed())
                .withData("broker", listener.broker())
                .withData("client-id", listener.clientId())
                .withData("filters", listener.filters())
                .build();
    }
}
