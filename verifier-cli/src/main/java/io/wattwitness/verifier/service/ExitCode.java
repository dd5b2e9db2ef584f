package io.wattwitness.verifier.service;

import java.util.List;

/** The verifier's process exit codes (module README, "Exit codes"). */
public final class ExitCode {

    /** Every check passed: the reading is proven. */
    public static final int PROVEN = 0;
    /** At least one check failed: the reading is not proven. */
    public static final int NOT_PROVEN = 1;
    /** Usage or input error: missing option, unreadable file, malformed JSON or hex, no contract at the address. */
    public static final int INPUT = 2;
    /** Network or JSON-RPC error: the chain (or the API) could not be reached, refused, or answered malformed data. */
    public static final int NETWORK = 3;
    /** Internal error: a defect of the verifier itself, neither the input's nor the network's fault. */
    public static final int INTERNAL = 4;

    private ExitCode() {
    }

    /**
     * @param results the printed check results
     * @return {@link #NOT_PROVEN} when any result is {@link CheckResult.Status#FAIL}, else {@link #PROVEN}
     */
    public static int of(List<CheckResult> results) {
        return results.stream().anyMatch(r -> r.status() == CheckResult.Status.FAIL) ? NOT_PROVEN : PROVEN;
    }
}
