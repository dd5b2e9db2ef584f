package io.wattwitness.query.rest.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The attestation of an installation's current key: {@code {"attested": true, "device_subject": "CN=…",
 * "device_serial": "1a2b", "anchor_subject": "CN=…", "checked_at": "2026-…Z"}} or {@code {"attested": false}}.
 *
 * @param attested whether a chain attested the current key
 * @param deviceSubject device certificate subject (RFC 4514), omitted when not attested
 * @param deviceSerial device certificate serial, lowercase hex, omitted when not attested
 * @param anchorSubject subject of the trust anchor (manufacturer root) the chain led to, omitted when not attested
 * @param checkedAt when the chain was checked, omitted when not attested
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AttestationView(boolean attested, String deviceSubject, String deviceSerial, String anchorSubject,
        Instant checkedAt) {

    /** Not attested. */
    public static final AttestationView NONE = new AttestationView(false, null, null, null, null);
}
