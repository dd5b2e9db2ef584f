package io.wattwitness.query.rest;

import io.smallrye.mutiny.Multi;
import io.wattwitness.query.config.QueryConfig;
import io.wattwitness.query.service.LiveUpdates;
import io.wattwitness.query.service.StatusService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;

/**
 * Builds the server-sent-event stream of one installation: the current status first, then live {@code reading} and
 * {@code status} events from {@link LiveUpdates}, merged with a heartbeat comment.
 */
@ApplicationScoped
public class LiveStream {

    private final StatusService status;
    private final LiveUpdates live;
    private final Duration heartbeat;

    /**
     * @param status current status
     * @param live event fan-out
     * @param config heartbeat period
     */
    public LiveStream(StatusService status, LiveUpdates live, QueryConfig config) {
        this.status = status;
        this.live = live;
        this.heartbeat = config.live().heartbeat();
    }

    /**
     * @param id an existing installation ({@link StreamRequestFilter} answers 400/404 before the stream starts)
     * @param sse event factory
     * @return the events
     */
    public Multi<OutboundSseEvent> open(long id, Sse sse) {
        Multi<OutboundSseEvent> first = status.statusJson(id).map(json -> event(sse, "status", json)).toMulti();
        Multi<OutboundSseEvent> events = live.events(id).map(event -> event(sse, event.name(), event.json()));
        Multi<OutboundSseEvent> beats = Multi.createFrom().ticks().every(heartbeat)
                .map(tick -> sse.newEventBuilder().comment("heartbeat").build());
        return Multi.createBy().concatenating().streams(first, Multi.createBy().merging().streams(events, beats));
    }

    private static OutboundSseEvent event(Sse sse, String name, String json) {
        return sse.newEventBuilder().name(name).mediaType(MediaType.APPLICATION_JSON_TYPE).data(json).build();
    }
}
