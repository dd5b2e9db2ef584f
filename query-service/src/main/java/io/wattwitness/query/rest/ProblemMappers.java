package io.wattwitness.query.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.wattwitness.query.service.ProblemException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error as {@code application/problem+json} (RFC 9457): {@code {type, title, status, detail, field?}}, plus
 * the extension members a service problem carries (e.g. {@code code} of a 422, {@code reason} of a failed
 * attestation).
 */
public class ProblemMappers {

    /** Media type of problem bodies. */
    public static final String PROBLEM_JSON = "application/problem+json";

    /**
     * @param problem a service problem
     * @return its response
     */
    @ServerExceptionMapper
    public Response problem(ProblemException problem) {
        Response response = problem(problem.status(), problem.title(), problem.getMessage(), problem.field());
        if (!problem.members().isEmpty()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> body = (Map<String, Object>) response.getEntity();
            problem.members().forEach(body::putIfAbsent);
        }
        return response;
    }

    /**
     * @param failure malformed JSON or a member of the wrong type
     * @return 400 naming the member
     */
    @ServerExceptionMapper({JsonProcessingException.class, MismatchedInputException.class, InvalidFormatException.class})
    public Response json(JsonProcessingException failure) {
        String field = null;
        if (failure instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            field = mapping.getPath().stream()
                    .map(reference -> reference.getFieldName() != null ? reference.getFieldName()
                            : String.valueOf(reference.getIndex()))
                    .collect(Collectors.joining("."));
        }
        return problem(400, "Invalid request", field == null ? "body is not valid JSON for this endpoint"
                : field + ": has the wrong type", field == null ? "body" : field);
    }

    /**
     * @param failure missing or unknown token
     * @return 401
     */
    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException failure) {
        return Response.fromResponse(problem(401, "Unauthorized",
                "a valid bearer token is required (Authorization: Bearer <token>)", null))
                .header("WWW-Authenticate", "Bearer realm=\"wattwitness\"").build();
    }

    /**
     * @param failure token without the required role
     * @return 403
     */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException failure) {
        return problem(403, "Forbidden", "the bearer token does not carry the role this endpoint requires", null);
    }

    /**
     * @param failure a JAX-RS error (unknown path, wrong method, unsupported media type)
     * @return the same status as a problem
     */
    @ServerExceptionMapper
    public Response web(WebApplicationException failure) {
        int status = failure.getResponse().getStatus();
        // the JSON reader reports a body it cannot parse as a bare 400 carrying the parser's exception
        for (Throwable cause = failure.getCause(); status == 400 && cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonProcessingException json) {
                return json(json);
            }
        }
        return problem(status, Response.Status.fromStatusCode(status) == null ? "Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase(), failure.getMessage(), null);
    }

    /**
     * @param failure anything unexpected
     * @return 500, logged
     */
    @ServerExceptionMapper
    public Response unexpected(Exception failure) {
        Log.error("unexpected failure", failure);
        return problem(500, "Internal error", "an unexpected error occurred; it was logged", null);
    }

    static Response problem(int status, String title, String detail, String field) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        if (field != null) {
            body.put("field", field);
        }
        return Response.status(status).type(PROBLEM_JSON).entity(body).build();
    }
}
