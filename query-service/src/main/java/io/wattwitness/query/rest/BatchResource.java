package io.wattwitness.query.rest;

import io.smallrye.mutiny.Uni;
import io.wattwitness.query.service.ApiModel.BatchView;
import io.wattwitness.query.service.ApiModel.ProofView;
import io.wattwitness.query.service.BatchService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

/** {@code /api/v1/batches} (API contract, "Batches"): what the Chainlink workflow anchors. */
@Path("/api/v1/batches")
public class BatchResource {

    private final BatchService batches;

    /**
     * @param batches sealed batches
     */
    public BatchResource(BatchService batches) {
        this.batches = batches;
    }

    /** @return the newest batch, without readings */
    @GET
    @Path("/latest")
    public Uni<BatchView> latest() {
        return batches.latest();
    }

    /**
     * @param id batch id
     * @return the batch with every reading's message and signature
     */
    @GET
    @Path("/{id}")
    public Uni<BatchView> batch(@PathParam("id") String id) {
        return batches.batch(id);
    }

    /**
     * @param id batch id
     * @param readingId reading id
     * @return the Merkle proof
     */
    @GET
    @Path("/{id}/proof/{reading_id}")
    public Uni<ProofView> proof(@PathParam("id") String id, @PathParam("reading_id") String readingId) {
        return batches.proof(id, readingId);
    }
}
