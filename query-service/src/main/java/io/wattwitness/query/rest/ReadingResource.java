package io.wattwitness.query.rest;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.wattwitness.query.config.Roles;
import io.wattwitness.query.service.ApiModel.ChartView;
import io.wattwitness.query.service.ApiModel.MarkOnChainRequest;
import io.wattwitness.query.service.ApiModel.MarkOnChainResult;
import io.wattwitness.query.service.ApiModel.PendingView;
import io.wattwitness.query.service.ApiModel.QuarantinePage;
import io.wattwitness.query.service.ApiModel.ReadingPage;
import io.wattwitness.query.service.ApiModel.ReadingView;
import io.wattwitness.query.service.ApiModel.SubmitResult;
import io.wattwitness.query.service.BatchService;
import io.wattwitness.query.service.EnergyService;
import io.wattwitness.query.service.ReadingService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

/** {@code /api/v1/readings} (API contract, "Readings"). */
@Path("/api/v1/readings")
public class ReadingResource {

    private final ReadingService readings;
    private final EnergyService energy;
    private final BatchService batches;
    private final LiveStream stream;

    /**
     * @param readings readings
     * @param energy charts
     * @param batches pending and mark-on-chain
     * @param stream live events
     */
    public ReadingResource(ReadingService readings, EnergyService energy, BatchService batches, LiveStream stream) {
        this.readings = readings;
        this.energy = energy;
        this.batches = batches;
        this.stream = stream;
    }

    /**
     * The HTTP transport for devices.
     *
     * @param body {"message": 104 hex, "signature": 128 hex}
     * @return 202 with the reading identity
     */
    @POST
    @RolesAllowed(Roles.DEVICE)
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> submit(byte[] body) {
        return readings.submit(body).map(result -> Response.accepted(result).type(MediaType.APPLICATION_JSON).build());
    }

    /**
     * @param limit 1..1000
     * @return verified readings not yet on chain
     */
    @GET
    @Path("/pending")
    public Uni<PendingView> pending(@QueryParam("limit") String limit) {
        return batches.pending(limit);
    }

    /**
     * @param request range or batch form
     * @return what was marked
     */
    @POST
    @Path("/mark-on-chain")
    @RolesAllowed(Roles.ANCHORING)
    public Uni<MarkOnChainResult> markOnChain(MarkOnChainRequest request) {
        return batches.markOnChain(request);
    }

    /**
     * @param installationId installation
     * @return the latest reading by reading time
     */
    @GET
    @Path("/latest/{installation_id}")
    public Uni<ReadingView> latest(@PathParam("installation_id") String installationId) {
        return readings.latest(installationId);
    }

    /**
     * @param installationId installation
     * @param start earliest (Unix s or ISO-8601)
     * @param end latest
     * @param verifiedOnly default true
     * @param limit 1..1000, default 100
     * @param cursor from the previous page
     * @return readings, newest first
     */
    @GET
    @Path("/{installation_id}")
    public Uni<ReadingPage> list(@PathParam("installation_id") String installationId, @QueryParam("start") String start,
            @QueryParam("end") String end, @QueryParam("verified_only") String verifiedOnly,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return readings.list(installationId, start, end, verifiedOnly, limit, cursor);
    }

    /**
     * @param installationId installation
     * @param limit 1..1000
     * @return quarantined inputs of its devices
     */
    @GET
    @Path("/{installation_id}/quarantine")
    public Uni<QuarantinePage> quarantine(@PathParam("installation_id") String installationId,
            @QueryParam("limit") String limit) {
        return readings.quarantine(installationId, limit);
    }

    /**
     * @param installationId installation
     * @param timeFrame hour | day | week | month | year
     * @param tz IANA zone override
     * @param end chart end
     * @return energy chart in Wh
     */
    @GET
    @Path("/{installation_id}/chart")
    public Uni<ChartView> chart(@PathParam("installation_id") String installationId,
            @QueryParam("time_frame") String timeFrame, @QueryParam("tz") String tz, @QueryParam("end") String end) {
        return energy.chart(installationId, timeFrame, tz, end);
    }

    /**
     * Server-sent events: {@code reading} (Reading JSON) and {@code status} (status JSON), a heartbeat comment
     * every 15 s. The current status is sent first.
     *
     * @param installationId installation
     * @param sse event factory
     * @return the stream
     */
    @GET
    @Path("/{installation_id}/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> stream(@PathParam("installation_id") String installationId, @Context Sse sse) {
        return stream.open(installationId, sse);
    }
}
