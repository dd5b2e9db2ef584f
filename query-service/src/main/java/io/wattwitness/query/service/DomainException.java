package io.wattwitness.query.service;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request the services cannot carry out, in domain terms: which kind of refusal ({@link InvalidArgumentException},
 * {@link NotFoundException}, {@link ConflictException}, {@link RefusedException}, {@link TooLargeException}), the
 * human-readable detail, the offending request member and extension members such as a stable {@code code}. The
 * REST layer renders it as {@code application/problem+json} (RFC 9457); nothing here knows HTTP.
 */
public abstract sealed class DomainException extends RuntimeException
        permits InvalidArgumentException, NotFoundException, ConflictException, RefusedException, TooLargeException {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final Map<String, String> members;

    /**
     * @param detail human-readable explanation
     * @param field offending request member or parameter, or null
     * @param members extension members in this order (e.g. {@code code}), possibly empty
     */
    protected DomainException(String detail, String field, Map<String, String> members) {
        super(detail);
        this.field = field;
        this.members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
    }

    /** @return the offending request member or parameter, or null */
    public String field() {
        return field;
    }

    /** @return extension members (e.g. {@code code}, {@code reason}), possibly empty */
    public Map<String, String> members() {
        return members;
    }
}
