package io.wattwitness.query.rest;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.wattwitness.query.config.Roles;
import io.wattwitness.query.rest.model.ChartView;
import io.wattwitness.query.rest.model.MarkOnChainRequest;
import io.wattwitness.query.rest.model.MarkOnChainResult;
import io.wattwitness.query.rest.model.PendingView;
import io.wattwitness.query.rest.model.QuarantinePage;
import io.wattwitness.query.rest.model.ReadingPage;
import io.wattwitness.query.rest.model.ReadingView;
import io.wattwitness.query.rest.model.SubmitResult;
import io.wattwitness.query.service.BatchService;
import io.wattwitness.query.service.EnergyService;
import io.wattwitness.query.service.ReadingCursor;
import io.wattwitness.query.service.ReadingService;
import io.wattwitness.query.service.energy.TimeFrame;
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
import java.time.Instant;
import java.time.ZoneId;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/** {@code /api/v1/readings} (API contract, "Readings"). */
@Path("/api/v1/readings")
public class ReadingResource {

    /** OpenAPI description of the instant parameters ({@link TypedParams}). */
    private static final String TIME = "Unix seconds (integer or fractional) or ISO-8601 with offset, 1970 to 9999";

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
     * @param limit 1..1000, default 100
     * @return verified readings not yet on chain
     */
    @GET
    @Path("/pending")
    public Uni<PendingView> pending(@QueryParam("limit") PageLimit limit) {
        return batches.pending(PageLimit.orDefault(limit));
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
     * @param installationId installation id, a positive integer (else 400)
     * @return the latest reading by reading time
     */
    @GET
    @Path("/latest/{installation_id}")
    public Uni<ReadingView> latest(@PathParam("installation_id") long installationId) {
        return readings.latest(installationId);
    }

    /**
     * @param installationId installation id, a positive integer (else 400)
     * @param start earliest (Unix s or ISO-8601), optional
     * @param end latest, optional, not before start
     * @param verifiedOnly default true
     * @param limit 1..1000, default 100
     * @param cursor {@code next_cursor} of the previous page, optional
     * @return readings, newest first
     */
    @GET
    @Path("/{installation_id}")
    public Uni<ReadingPage> list(@PathParam("installation_id") long installationId,
            @QueryParam("start") @Parameter(schema = @Schema(type = SchemaType.STRING, description = TIME)) Instant start,
            @QueryParam("end") @Parameter(schema = @Schema(type = SchemaType.STRING, description = TIME)) Instant end,
            @QueryParam("verified_only") Boolean verifiedOnly, @QueryParam("limit") PageLimit limit,
            @QueryParam("cursor") @Parameter(schema = @Schema(type = SchemaType.STRING,
                    description = "next_cursor of the previous page")) ReadingCursor cursor) {
        return readings.list(installationId, start, end, verifiedOnly == null || verifiedOnly, PageLimit.orDefault(limit),
                cursor);
    }

    /**
     * @param installationId installation id, a positive integer (else 400)
     * @param limit 1..1000, default 100
     * @return quarantined inputs of its devices
     */
    @GET
    @Path("/{installation_id}/quarantine")
    public Uni<QuarantinePage> quarantine(@PathParam("installation_id") long installationId,
            @QueryParam("limit") PageLimit limit) {
        return readings.quarantine(installationId, PageLimit.orDefault(limit));
    }

    /**
     * @param installationId installation id, a positive integer (else 400)
     * @param timeFrame hour | day | week | month | year, default day
     * @param tz IANA zone overriding the installation's, optional
     * @param end chart end (Unix s or ISO-8601), default now
     * @return energy chart in Wh
     */
    @GET
    @Path("/{installation_id}/chart")
    public Uni<ChartView> chart(@PathParam("installation_id") long installationId,
            @QueryParam("time_frame") @Parameter(schema = @Schema(type = SchemaType.STRING,
                    enumeration = {"hour", "day", "week", "month", "year"}, defaultValue = "day")) TimeFrame timeFrame,
            @QueryParam("tz") @Parameter(schema = @Schema(type = SchemaType.STRING,
                    description = "IANA time zone, e.g. Europe/Brussels")) ZoneId tz,
            @QueryParam("end") @Parameter(schema = @Schema(type = SchemaType.STRING, description = TIME)) Instant end) {
        return energy.chart(installationId, timeFrame, tz, end);
    }

    /**
     * Server-sent events: {@code reading} (Reading JSON) and {@code status} (status JSON), a heartbeat comment
     * every 15 s. The current status is sent first.
     *
     * @param installationId installation id, a positive integer (else 400)
     * @param sse event factory
     * @return the stream
     */
    @GET
    @Path("/{installation_id}/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> stream(@PathParam("installation_id") long installationId, @Context Sse sse) {
        return stream.open(installationId, sse);
    }
}
