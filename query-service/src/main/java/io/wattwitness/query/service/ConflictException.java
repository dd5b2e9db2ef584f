package io.wattwitness.query.service;

import java.util.Map;

/** A request that contradicts stored state (a key registered elsewhere, another sealed root or transaction). */
public final class ConflictException extends DomainException {

    private static final long serialVersionUID = 1L;

    /**
     * @param field the conflicting member, e.g. {@code public_key}
     * @param detail why
     */
    public ConflictException(String field, String detail) {
        super(detail, field, Map.of());
    }
}
