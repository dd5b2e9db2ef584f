package io.wattwitness.query.rest;

import io.smallrye.mutiny.Uni;
import io.wattwitness.query.config.Roles;
import io.wattwitness.query.rest.model.InstallationRequest;
import io.wattwitness.query.rest.model.InstallationView;
import io.wattwitness.query.rest.model.StatusView;
import io.wattwitness.query.rest.model.SummaryView;
import io.wattwitness.query.service.EnergyService;
import io.wattwitness.query.service.InstallationService;
import io.wattwitness.query.service.StatusService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** {@code /api/v1/installations} (API contract, "Installations"). */
@Path("/api/v1/installations")
public class InstallationResource {

    private final InstallationService installations;
    private final EnergyService energy;
    private final StatusService status;

    /**
     * @param installations installations
     * @param energy summaries
     * @param status status
     */
    public InstallationResource(InstallationService installations, EnergyService energy, StatusService status) {
        this.installations = installations;
        this.energy = energy;
        this.status = status;
    }

    /**
     * @param request the installation
     * @return 201 created or 200 updated (by shelly_mac)
     */
    @POST
    @RolesAllowed(Roles.OPERATOR)
    public Uni<Response> upsert(InstallationRequest request) {
        return installations.upsert(request).map(result -> Response.status(result.created() ? 201 : 200)
                .entity(result.installation()).build());
    }

    /** @return all installations */
    @GET
    public Uni<List<InstallationView>> list() {
        return installations.list();
    }

    /**
     * @param id installation id, a positive integer (else 400 naming {@code installation_id})
     * @return the installation
     */
    @GET
    @Path("/{id}")
    public Uni<InstallationView> get(@PathParam("id") @ParamName("installation_id") long id) {
        return installations.get(id);
    }

    /**
     * @param id installation id, a positive integer (else 400 naming {@code installation_id})
     * @return energy and uptime summary
     */
    @GET
    @Path("/{id}/summary")
    public Uni<SummaryView> summary(@PathParam("id") @ParamName("installation_id") long id) {
        return energy.summary(id);
    }

    /**
     * @param id installation id, a positive integer (else 400 naming {@code installation_id})
     * @return connection, liveness and anchoring status
     */
    @GET
    @Path("/{id}/status")
    public Uni<StatusView> status(@PathParam("id") @ParamName("installation_id") long id) {
        return status.status(id);
    }
}
