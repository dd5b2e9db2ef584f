package io.wattwitness.query.service;

import java.util.Map;

/** The installation, batch, reading or other thing a request names does not exist (yet). */
public final class NotFoundException extends DomainException {

    private static final long serialVersionUID = 1L;

    /**
     * @param detail what is missing, e.g. {@code batch 7 is not sealed}
     */
    public NotFoundException(String detail) {
        super(detail, null, Map.of());
    }
}
