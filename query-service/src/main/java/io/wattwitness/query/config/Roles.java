package io.wattwitness.query.config;

/** Role names of write endpoints (API contract, "Auth"). */
public final class Roles {

    /** Registers and updates installations. */
    public static final String OPERATOR = "operator";
    /** Marks batches and readings as anchored (chain listener, workflow). */
    public static final String ANCHORING = "anchoring";
    /** Submits readings over HTTP. */
    public static final String DEVICE = "device";

    private Roles() {
    }
}
