package io.wattwitness.query.rest;

import io.wattwitness.query.rest.model.ChainView;
import io.wattwitness.query.service.ChainService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** {@code /api/v1/chain} (API contract, "Chain info"). */
@Path("/api/v1/chain")
public class ChainResource {

    private final ChainService chain;

    /**
     * @param chain chain settings
     */
    public ChainResource(ChainService chain) {
        this.chain = chain;
    }

    /** @return chain id, public RPC URL, contract address, explorer template */
    @GET
    public ChainView info() {
        return chain.info();
    }
}
