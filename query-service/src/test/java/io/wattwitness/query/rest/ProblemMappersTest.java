package io.wattwitness.query.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wattwitness.query.service.ConflictException;
import io.wattwitness.query.service.InvalidArgumentException;
import io.wattwitness.query.service.NotFoundException;
import io.wattwitness.query.service.RefusedException;
import io.wattwitness.query.service.TooLargeException;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The domain exceptions of the services as problem responses: status, media type and the exact body in order. */
class ProblemMappersTest {

    private final ProblemMappers mappers = new ProblemMappers();

    private static Map<String, Object> body(Object... pairs) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            body.put((String) pairs[i], pairs[i + 1]);
        }
        return body;
    }

    private static void assertProblem(Response response, int status, Map<String, Object> expected) {
        assertEquals(status, response.getStatus());
        assertEquals("application/problem+json", response.getMediaType().toString());
        assertEquals(expected, response.getEntity());
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(((Map<?, ?>) response.getEntity()).keySet()));
    }

    @Test
    void eachDomainExceptionHasItsStatusAndTitle() {
        assertProblem(mappers.domain(new InvalidArgumentException("shelly_mac", "must be 12 hex characters")), 400,
                body("type", "about:blank", "title", "Invalid request", "status", 400,
                        "detail", "shelly_mac: must be 12 hex characters", "field", "shelly_mac"));
        assertProblem(mappers.domain(new InvalidArgumentException("certificates[1]", "not a PEM certificate",
                Map.of("code", "malformed_certificate"))), 400,
                body("type", "about:blank", "title", "Invalid request", "status", 400,
                        "detail", "certificates[1]: not a PEM certificate", "field", "certificates[1]",
                        "code", "malformed_certificate"));
        assertProblem(mappers.domain(new NotFoundException("batch 7 is not sealed")), 404,
                body("type", "about:blank", "title", "Not found", "status", 404, "detail", "batch 7 is not sealed"));
        assertProblem(mappers.domain(new ConflictException("public_key", "this key is already registered to installation 3")),
                409, body("type", "about:blank", "title", "Conflict", "status", 409,
                        "detail", "this key is already registered to installation 3", "field", "public_key"));
        assertProblem(mappers.domain(new TooLargeException("body", "the envelope is larger than 4096 bytes")), 413,
                body("type", "about:blank", "title", "Payload too large", "status", 413,
                        "detail", "the envelope is larger than 4096 bytes", "field", "body"));
        assertProblem(mappers.domain(new RefusedException("attestation_failed", "Attestation failed", "certificates[0]",
                "certificates[0]: key_mismatch: the device certificate's public key is not the registered public_key",
                Map.of("reason", "key_mismatch"))), 422,
                body("type", "about:blank", "title", "Attestation failed", "status", 422,
                        "detail", "certificates[0]: key_mismatch: the device certificate's public key is not the "
                                + "registered public_key", "field", "certificates[0]",
                        "code", "attestation_failed", "reason", "key_mismatch"));
    }

    @Test
    void aParameterThatDoesNotConvertIs400NamingIt() {
        assertProblem(mappers.parameter(new InvalidParameterException("limit", "must be an integer between 1 and 1000,"
                + " got '0'")), 400, body("type", "about:blank", "title", "Invalid request", "status", 400,
                        "detail", "limit: must be an integer between 1 and 1000, got '0'", "field", "limit"));
    }
}
