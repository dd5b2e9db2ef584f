package io.wattwitness.chainlistener.service;

import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import java.util.function.Supplier;

/**
 * Runs reactive database work from the listener's worker thread: the {@link Uni} is subscribed on a Vert.x
 * duplicated context (as Hibernate Reactive requires) and the worker thread, never an event-loop thread, waits.
 */
public final class ReactiveAwait {

    private ReactiveAwait() {
    }

    /**
     * @return the Uni's item
     * @throws TransientFailure when the database work failed
     */
    public static <T> T await(String what, Supplier<Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (RuntimeException e) {
            throw new TransientFailure("database: " + what + " failed: " + e.getMessage(), e);
        } catch (Throwable e) {
            if (e instanceof Error error) {
                throw error;
            }
            throw new TransientFailure("database: " + what + " failed: " + e.getMessage(), e);
        }
    }
}
