package io.wattwitness.query.service;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.wattwitness.query.config.QueryConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Runs the sealer every {@code wattwitness.batches.check-every} (default 5 s); it seals when a batch is due
 * (1,000 readings or 5 minutes by default, see {@link BatchService#sealOnce}).
 */
@ApplicationScoped
public class BatchSealingJob {

    private final BatchService batches;
    private final boolean enabled;

    /**
     * @param batches the sealer
     * @param config whether this instance seals
     */
    public BatchSealingJob(BatchService batches, QueryConfig config) {
        this.batches = batches;
        this.enabled = config.batches().enabled();
    }

    /**
     * @return completion of one sealing round
     */
    @Scheduled(every = "${wattwitness.batches.check-every:5s}", delayed = "${wattwitness.batches.check-every:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> seal() {
        if (!enabled) {
            return Uni.createFrom().voidItem();
        }
        return batches.sealDue()
                .onFailure().invoke(failure -> Log.errorf(failure, "sealing failed; retrying at the next round"))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
