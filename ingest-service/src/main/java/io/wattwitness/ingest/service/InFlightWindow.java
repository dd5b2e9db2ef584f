package io.wattwitness.ingest.service;

import io.smallrye.mutiny.Uni;
import java.util.concurrent.CompletableFuture;

/**
 * Bounds how many asynchronous jobs run at once, without blocking: {@link #admit} starts a job and returns a
 * {@link Uni} that completes as soon as fewer than {@code max} jobs are running, so a caller that waits for it
 * before taking the next item never has more than {@code max} jobs in flight. Plain Java, thread-safe; meant for one
 * sequential caller (a messaging channel hands items over one at a time).
 */
public final class InFlightWindow {

    private final int max;
    private int running;
    private CompletableFuture<Void> waiting;

    /**
     * @param max jobs allowed at once, ≥ 1
     * @throws IllegalArgumentException if max is below 1
     */
    public InFlightWindow(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("the window must hold at least one job");
        }
        this.max = max;
    }

    /**
     * Starts a job.
     *
     * @param job the job; subscribed to at once, its item or failure ends it
     * @return completes when there is room for the next job (at once when fewer than {@code max} are running)
     */
    public Uni<Void> admit(Uni<Void> job) {
        CompletableFuture<Void> room;
        synchronized (this) {
            running++;
            if (running < max) {
                room = CompletableFuture.completedFuture(null);
            } else {
                room = new CompletableFuture<>();
                waiting = room;
            }
        }
        job.subscribe().with(ignored -> finished(), failure -> finished());
        return Uni.createFrom().completionStage(room);
    }

    /** @return jobs running now */
    public synchronized int running() {
        return running;
    }

    private void finished() {
        CompletableFuture<Void> release = null;
        synchronized (this) {
            running--;
            if (waiting != null && running < max) {
                release = waiting;
                waiting = null;
            }
        }
        if (release != null) {
            release.complete(null);
        }
    }
}
