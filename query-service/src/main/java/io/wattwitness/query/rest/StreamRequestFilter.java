package io.wattwitness.query.rest;

import io.smallrye.mutiny.Uni;
import io.wattwitness.query.service.InstallationService;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Checks the installation of a live stream ({@code GET /api/v1/readings/{installation_id}/stream}) before the
 * resource runs: once a server-sent-event response has started its status is 200, so a malformed id (400) or an
 * unknown installation (404) must be answered here, as an {@code application/problem+json} body through
 * {@link ProblemMappers}, not as an empty stream.
 */
public class StreamRequestFilter {

    private static final Pattern STREAM = Pattern.compile("^/?api/v1/readings/([^/]+)/stream/?$");

    private final InstallationService installations;

    /**
     * @param installations installation lookup
     */
    public StreamRequestFilter(InstallationService installations) {
        this.installations = installations;
    }

    /**
     * @param request the request
     * @return completes empty for other paths and known installations; fails with the 400/404 problem otherwise
     */
    @ServerRequestFilter
    public Uni<Response> checkInstallation(ContainerRequestContext request) {
        Matcher stream = STREAM.matcher(request.getUriInfo().getPath());
        if (!"GET".equals(request.getMethod()) || !stream.matches()) {
            return Uni.createFrom().nullItem();
        }
        long id = TypedParams.positiveId("installation_id", stream.group(1));
        return installations.get(id).replaceWith((Response) null);
    }
}
