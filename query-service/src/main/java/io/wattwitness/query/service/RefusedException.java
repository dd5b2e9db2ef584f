package io.wattwitness.query.service;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A well-formed request that a rule refuses, with a stable machine-readable {@code code} (e.g.
 * {@code attestation_failed}, {@code attestation_disabled}) and a short summary of the rule.
 */
public final class RefusedException extends DomainException {

    private static final long serialVersionUID = 1L;

    private final String summary;

    /**
     * @param code stable code, the first extension member
     * @param summary short, stable summary, e.g. {@code Attestation failed}
     * @param field the member concerned
     * @param detail what failed
     * @param more further extension members after {@code code} (may be empty), e.g. {@code reason}
     */
    public RefusedException(String code, String summary, String field, String detail, Map<String, String> more) {
        super(detail, field, withCode(code, more));
        this.summary = summary;
    }

    /** @return the short summary of the refusing rule */
    public String summary() {
        return summary;
    }

    private static Map<String, String> withCode(String code, Map<String, String> more) {
        Map<String, String> members = new LinkedHashMap<>();
        members.put("code", code);
        members.putAll(more);
        return members;
    }
}
