package io.wattwitness.verify.health;

import io.wattwitness.verify.service.PipelineStatus;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the verification pipeline: DOWN while a poll is waiting for the database (retrying with
 * back-off), with the first failure time and the last error. The database and Kafka connections have their own
 * checks (reactive PostgreSQL pool, Kafka channels) at {@code /q/health}.
 */
@Readiness
@ApplicationScoped
public class PipelineHealthCheck implements HealthCheck {

    private final PipelineStatus status;

    /** @param status the pipeline state */
    public PipelineHealthCheck(PipelineStatus status) {
        this.status = status;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("verify-pipeline")
                .withData("polls", status.polls());
        status.lastPoll().ifPresent(last -> builder.withData("last_poll", last.toString()));
        return status.currentRetry()
                .map(retry -> builder.down().withData("retrying_since", retry.since().toString())
                        .withData("last_error", retry.error()).build())
                .orElseGet(() -> builder.up().build());
    }
}
