package io.wattwitness.verify.service;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.wattwitness.verify.config.VerifyConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Runs database work so that a transient outage is waited out, never skipped: the work is re-run (a new
 * transaction) with exponential back-off until it succeeds; other failures pass through. Every attempt is
 * subscribed on the caller's Vert.x context (the Kafka channel's), so the poll's work stays on one context.
 */
@ApplicationScoped
public class DatabaseRetry {

    private final VerifyConfig config;
    private final PipelineStatus status;

    /**
     * @param config back-off settings
     * @param status where a retry in progress is reported (readiness)
     */
    public DatabaseRetry(VerifyConfig config, PipelineStatus status) {
        this.config = config;
        this.status = status;
    }

    /**
     * @param what a short description for the logs
     * @param work creates the work; called once per attempt, on the caller's Vert.x context
     * @param <T> result type
     * @return the result of the first attempt that succeeds, or the first non-transient failure
     */
    public <T> Uni<T> run(String what, Supplier<Uni<T>> work) {
        Executor onContext = onCurrentContext();
        return Uni.createFrom().<T>deferred(work::get)
                .runSubscriptionOn(onContext)
                .onFailure(TransientErrors::isTransient).invoke(failure -> {
                    status.retrying(failure);
                    Log.warnf("%s failed, retrying with back-off: %s", what, failure.toString());
                })
                .onFailure(TransientErrors::isTransient).retry()
                .withBackOff(config.retryInitialBackoff(), config.retryMaxBackoff()).indefinitely()
                .invoke(status::recovered);
    }

    /**
     * Runs CPU-bound work (signature verification) on a worker thread and continues on the caller's context.
     *
     * @param work the blocking computation
     * @param <T> result type
     * @return its result
     */
    public <T> Uni<T> offload(Callable<T> work) {
        Context context = Vertx.currentContext();
        if (context == null) {
            return Uni.createFrom().item(() -> {
                try {
                    return work.call();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        return Uni.createFrom().completionStage(() -> context.executeBlocking(work, false).toCompletionStage());
    }

    private static Executor onCurrentContext() {
        Context context = Vertx.currentContext();
        if (context == null) {
            return Runnable::run;
        }
        return task -> context.runOnContext(ignored -> task.run());
    }
}
