package io.wattwitness.query.service;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request that cannot be served, rendered as {@code application/problem+json} (RFC 9457) with the offending field.
 */
public class ProblemException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String title;
    private final String field;
    private final Map<String, String> members;

    /**
     * @param status HTTP status
     * @param title short, stable summary
     * @param detail human-readable explanation
     * @param field offending request field or parameter, or null
     */
    public ProblemException(int status, String title, String detail, String field) {
        this(status, title, detail, field, Map.of());
    }

    /**
     * @param status HTTP status
     * @param title short, stable summary
     * @param detail human-readable explanation
     * @param field offending request field or parameter, or null
     * @param members extension members of the problem (RFC 9457 §3.2), e.g. {@code code}; written after
     *        {@code field}, in this map's order
     */
    public ProblemException(int status, String title, String detail, String field, Map<String, String> members) {
        super(detail);
        this.status = status;
        this.title = title;
        this.field = field;
        this.members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
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

    /**
     * A request that is well-formed but cannot be carried out (422), with a stable machine-readable code.
     *
     * @param code stable code, e.g. {@code attestation_failed}
     * @param title short summary
     * @param field the body member concerned
     * @param detail what failed
     * @param more further extension members (may be empty)
     * @return a 422 problem {@code {type, title, status, detail, field, code, ...more}}
     */
    public static ProblemException unprocessable(String code, String title, String field, String detail,
            Map<String, String> more) {
        Map<String, String> members = new LinkedHashMap<>();
        members.put("code", code);
        members.putAll(more);
        return new ProblemException(422, title, detail, field, members);
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

    /** @return extension members, possibly empty */
    public Map<String, String> members() {
        return members;
    }
}
