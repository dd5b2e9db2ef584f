package io.wattwitness.query.rest;

import io.smallrye.mutiny.Uni;
import io.wattwitness.query.health.OverallHealth;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code GET /health}: 200 when UP or DEGRADED, 503 when DOWN (API contract, "Health"). */
@Path("/health")
public class HealthResource {

    private final OverallHealth health;

    /**
     * @param health the overall report
     */
    public HealthResource(OverallHealth health) {
        this.health = health;
    }

    /** @return {status, checks} */
    @GET
    public Uni<Response> health() {
        return health.report().map(report -> Response.status("DOWN".equals(report.status()) ? 503 : 200)
                .type(MediaType.APPLICATION_JSON).entity(report).build());
    }
}
