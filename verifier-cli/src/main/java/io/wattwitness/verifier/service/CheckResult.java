package io.wattwitness.verifier.service;

/**
 * One line of the verifier's output.
 *
 * @param check short name of the check ({@code signature}, {@code merkle}, {@code anchored}, {@code contract},
 *        {@code revocation})
 * @param status outcome
 * @param reason why, for the user
 */
public record CheckResult(String check, Status status, String reason) {

    /** Outcome of one check. */
    public enum Status {
        /** The check passed. */
        OK,
        /** The check failed: the reading is not proven. */
        FAIL,
        /** The check cannot be made (yet); it does not change the exit code. */
        NOT_CHECKED
    }

    /** @return the printed line: status padded to 12 characters, check name padded to 11, reason */
    public String line() {
        String label = status == Status.NOT_CHECKED ? "NOT CHECKED" : status.name();
        return String.format("%-12s%-11s%s", label, check, reason);
    }
}
