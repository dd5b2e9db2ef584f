package io.wattwitness.query.rest;

import jakarta.ws.rs.BadRequestException;

/**
 * A path or query parameter that {@link TypedParams} cannot convert; {@link ProblemMappers} answers 400
 * {@code {"title": "Invalid request", "detail": "<field>: <reason>", "field": "<field>"}}.
 */
public class InvalidParameterException extends BadRequestException {

    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * @param field the parameter name as the client sent it, e.g. {@code limit}
     * @param reason what is wrong, e.g. {@code must be an integer between 1 and 1000, got '5000'}
     */
    public InvalidParameterException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
    }

    /** @return the parameter name */
    public String field() {
        return field;
    }
}
