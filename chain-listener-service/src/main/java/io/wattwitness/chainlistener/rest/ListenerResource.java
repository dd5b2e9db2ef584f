package io.wattwitness.chainlistener.rest;

import io.wattwitness.chainlistener.service.ChainRecordService;
import io.wattwitness.chainlistener.service.ListenerState;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * Read-only view of what the listener saw: its position, the anchored batches and the installation key events of the
 * followed contract. JSON snake_case; 503 problem before the first successful poll (the chain id is not known yet).
 * Blocking database reads: the endpoints run on worker threads (the default for non-reactive return types).
 */
@Path("/api/v1/listener")
@Produces(MediaType.APPLICATION_JSON)
public class ListenerResource {

    private static final int MAX_LIMIT = 1000;

    private final ListenerState state;
    private final ChainRecordService records;

    public ListenerResource(ListenerState state, ChainRecordService records) {
        this.state = state;
        this.records = records;
    }

    /** {@code GET /api/v1/listener/status}: position, lag (blocks) and counters. */
    @GET
    @Path("/status")
    public ListenerStatus status() {
        return new ListenerStatus(state.scope(), state.lastProcessedBlock(), state.lastProcessedHash(),
                state.headBlock(), state.targetBlock(), state.lagBlocks(), (long) state.batchesMarkedTotal(),
                (long) state.rootMismatchesTotal(), state.openMismatches(), (long) state.reorgsTotal(),
                state.consecutiveFailures(), state.lastError(),
                state.lastSuccess() == null ? null : state.lastSuccess().toString());
    }

    /** {@code GET /api/v1/listener/batches?limit=}: newest anchored batches, outcome MARKED or ROOT_MISMATCH. */
    @GET
    @Path("/batches")
    public Response batches(@QueryParam("limit") Integer limit) {
        String scope = state.scope();
        if (scope == null) {
            return notReady();
        }
        List<AnchoredBatchView> rows = records.recentBatches(scope, checkLimit(limit)).stream()
                .map(AnchoredBatchView::of).toList();
        return Response.ok(rows).build();
    }

    /** {@code GET /api/v1/listener/key-events?installation_id=&limit=}: key events in chain order. */
    @GET
    @Path("/key-events")
    public Response keyEvents(@QueryParam("installation_id") Long installationId,
            @QueryParam("limit") Integer limit) {
        String scope = state.scope();
        if (scope == null) {
            return notReady();
        }
        List<KeyEventView> rows = records.keyEvents(scope, installationId, checkLimit(limit)).stream()
                .map(KeyEventView::of).toList();
        return Response.ok(rows).build();
    }

    private static int checkLimit(Integer limit) {
        if (limit == null) {
            return 100;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadRequestException("limit must be between 1 and " + MAX_LIMIT);
        }
        return limit;
    }

    private static Response notReady() {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .type("application/problem+json")
                .entity(new Problem("about:blank", "Listener not ready", 503,
                        "the listener has not completed a poll yet, so the chain is not known", List.of()))
                .build();
    }

    /** application/problem+json body. */
    public record Problem(String type, String title, int status, String detail, List<String> errors) {
    }
}
