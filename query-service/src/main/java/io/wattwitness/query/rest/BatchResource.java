package io.wattwitness.query.rest;

import io.smallrye.mutiny.Uni;
import io.wattwitness.query.rest.model.BatchView;
import io.wattwitness.query.rest.model.ProofView;
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
     * @param id batch id, a positive integer (else 400)
     * @return the batch with every reading's message and signature; 404 when not sealed
     */
    @GET
    @Path("/{id}")
    public Uni<BatchView> batch(@PathParam("id") long id) {
        return batches.batch(id);
    }

    /**
     * @param id batch id, a positive integer (else 400)
     * @param readingId reading id, a positive integer (else 400)
     * @return the Merkle proof; 404 when the batch or the reading in it is unknown
     */
    @GET
    @Path("/{id}/proof/{reading_id}")
    public Uni<ProofView> proof(@PathParam("id") long id, @PathParam("reading_id") long readingId) {
        return batches.proof(id, readingId);
    }
}
