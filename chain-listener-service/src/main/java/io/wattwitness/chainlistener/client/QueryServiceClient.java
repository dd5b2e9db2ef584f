package io.wattwitness.chainlistener.client;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * query-service API (its OpenAPI at /q/openapi), the two endpoints the listener uses. Base URL: QUERY_SERVICE_URL. Errors
 * arrive as {@link jakarta.ws.rs.WebApplicationException} (HTTP status) or {@link jakarta.ws.rs.ProcessingException}
 * (connection).
 */
@RegisterRestClient(configKey = "query-service")
@Path("/api/v1")
public interface QueryServiceClient {

    /** {@code GET /api/v1/batches/{id}}: a sealed batch; 404 when not sealed. */
    @GET
    @Path("/batches/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    SealedBatch batch(@PathParam("id") long batchId);

    /**
     * {@code POST /api/v1/readings/mark-on-chain/} (role anchoring): idempotent; 409 when merkle_root differs from the
     * sealed batch's.
     *
     * @param authorization "Bearer &lt;anchoring token&gt;"
     */
    @POST
    @Path("/readings/mark-on-chain/")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    MarkOnChainResult markOnChain(@HeaderParam("Authorization") String authorization, MarkOnChainRequest request);
}
