package io.wattwitness.query.service;

import java.util.Map;

/** A request body larger than the service accepts. */
public final class TooLargeException extends DomainException {

    private static final long serialVersionUID = 1L;

    /**
     * @param field the member, e.g. {@code body}
     * @param detail the limit, e.g. {@code the envelope is larger than 4096 bytes}
     */
    public TooLargeException(String field, String detail) {
        super(detail, field, Map.of());
    }
}
