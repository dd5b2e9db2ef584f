package io.wattwitness.query.service;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * In-process fan-out of live events to server-sent-event subscribers (fed by the Kafka consumers, never by polling).
 * Subscribers that cannot keep up lose events rather than slowing the feed.
 */
@ApplicationScoped
public class LiveUpdates {

    private final BroadcastProcessor<LiveEvent> processor = BroadcastProcessor.create();

    /**
     * An event for one installation.
     *
     * @param installationId installation
     * @param name SSE event name: {@code reading} or {@code status}
     * @param json the event data, JSON
     */
    public record LiveEvent(long installationId, String name, String json) {
    }

    /**
     * @param event an event; delivered to current subscribers of its installation
     */
    public void publish(LiveEvent event) {
        synchronized (processor) {
            processor.onNext(event);
        }
    }

    /**
     * @param installationId installation
     * @return its events from now on
     */
    public Multi<LiveEvent> events(long installationId) {
        return processor.filter(event -> event.installationId() == installationId).onOverflow().drop();
    }
}
