package io.wattwitness.query.service;

import java.util.Map;

/** A request member or parameter that is missing or malformed; the detail reads {@code "<field>: <reason>"}. */
public final class InvalidArgumentException extends DomainException {

    private static final long serialVersionUID = 1L;

    /**
     * @param field the parameter or body member, e.g. {@code shelly_mac}
     * @param reason what is wrong with it, e.g. {@code must be 12 hex characters}
     */
    public InvalidArgumentException(String field, String reason) {
        this(field, reason, Map.of());
    }

    /**
     * @param field the parameter or body member
     * @param reason what is wrong with it
     * @param members extension members, e.g. {@code code: malformed_certificate}
     */
    public InvalidArgumentException(String field, String reason, Map<String, String> members) {
        super(field + ": " + reason, field, members);
    }
}
