package io.wattwitness.ingest.health;

import io.wattwitness.ingest.messaging.DeviceAckPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the MQTT connection that publishes acks ({@code /q/health/ready}, check {@code mqtt-acks}): up when
 * connected. While it is down, acks wait in Kafka {@code devices.acks}.
 */
@Readiness
@ApplicationScoped
public class MqttAckPublisherHealthCheck implements HealthCheck {

    private final DeviceAckPublisher publisher;

    MqttAckPublisherHealthCheck(DeviceAckPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("mqtt-acks")
                .status(publisher.isConnected())
                .withData("client-id", publisher.clientId())
                .build();
    }
}
