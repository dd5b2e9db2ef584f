package io.wattwitness.query.service;

/**
 * A request that cannot be served, rendered as {@code application/problem+json} (RFC 9457) with the offending field.
 */
public class ProblemException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String title;
    private final String field;

    /**
     * @param status HTTP status
     * @param title short, stable summary
     * @param detail human-readable explanation
     * @param field offending request field or parameter, or null
     */
    public ProblemException(int status, String title, String detail, String field) {
        super(detail);
        this.status = status;
        this.title = title;
        this.field = field;
    }

    /**
     * @param field the parameter or body member
     * @param detail what is wrong with it
     * @return a 400 problem
     */
    public static ProblemException badRequest(String field, String detail) {
        return new ProblemException(400, "Invalid request", field + ": " + detail, field);
    }

    /**
     * @param what the missing thing
     * @return a 404 problem
     */
    public static ProblemException notFound(String what) {
        return new ProblemException(404, "Not found", what, null);
    }

    /**
     * @param field the conflicting member
     * @param detail why
     * @return a 409 problem
     */
    public static ProblemException conflict(String field, String detail) {
        return new ProblemException(409, "Conflict", detail, field);
    }

    /** @return HTTP status */
    public int status() {
        return status;
    }

    /** @return summary */
    public String title() {
        return title;
    }

    /** @return offending field or null */
    public String field() {
        return field;
    }
}
