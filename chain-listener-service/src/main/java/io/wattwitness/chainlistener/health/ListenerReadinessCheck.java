package io.wattwitness.chainlistener.health;

import io.wattwitness.chainlistener.config.ListenerConfig;
import io.wattwitness.chainlistener.service.ListenerState;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness {@code chain-listener}: DOWN when the listener is not configured, when an anchored root differs from the
 * sealed batch's (tamper alarm, until the mismatching batch leaves the canonical chain), or after
 * {@code wattwitness.listener.health-failure-threshold} failed polls in a row (node or query-service down). Data:
 * last processed block, head, target, lag in blocks, batches marked, mismatches, failures.
 */
@Readiness
@ApplicationScoped
public class ListenerReadinessCheck implements HealthCheck {

    private final ListenerState state;
    private final int failureThreshold;

    public ListenerReadinessCheck(ListenerState state, ListenerConfig config) {
        this.state = state;
        this.failureThreshold = config.healthFailureThreshold();
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("chain-listener")
                .withData("last_processed_block", state.lastProcessedBlock())
                .withData("head_block", state.headBlock())
                .withData("target_block", state.targetBlock())
                .withData("lag_blocks", state.lagBlocks())
                .withData("batches_marked", (long) state.batchesMarkedTotal())
                .withData("root_mismatches", (long) state.rootMismatchesTotal())
                .withData("open_root_mismatches", state.openMismatches())
                .withData("consecutive_failures", state.consecutiveFailures());
        if (state.scope() != null) {
            builder.withData("scope", state.scope());
        }
        if (state.lastError() != null) {
            builder.withData("last_error", state.lastError());
        }
        if (state.configurationProblem() != null) {
            return builder.withData("problem", state.configurationProblem()).down().build();
        }
        if (state.openMismatches() > 0) {
            return builder.withData("problem", "tamper alarm: an anchored Merkle root differs from the sealed batch")
                    .down().build();
        }
        if (state.consecutiveFailures() >= failureThreshold) {
            return builder.withData("problem", "polls keep failing").down().build();
        }
        return builder.up().build();
    }
}
