package io.wattwitness.query.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.wattwitness.query.service.ConflictException;
import io.wattwitness.query.service.DomainException;
import io.wattwitness.query.service.InvalidArgumentException;
import io.wattwitness.query.service.NotFoundException;
import io.wattwitness.query.service.RefusedException;
import io.wattwitness.query.service.TooLargeException;
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
     * @param failure a refusal of a service: {@link InvalidArgumentException} 400, {@link NotFoundException} 404,
     *     {@link ConflictException} 409, {@link TooLargeException} 413, {@link RefusedException} 422 (its summary as
     *     title); its extension members follow {@code field}
     * @return its response
     */
    @ServerExceptionMapper
    public Response domain(DomainException failure) {
        Response response = problem(status(failure), failure instanceof RefusedException refused ? refused.summary()
                : TITLES.get(status(failure)), failure.getMessage(), failure.field());
        if (!failure.members().isEmpty()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> body = (Map<String, Object>) response.getEntity();
            failure.members().forEach(body::putIfAbsent);
        }
        return response;
    }

    /**
     * @param failure a path or query parameter {@link TypedParams} could not convert
     * @return 400 naming the parameter
     */
    @ServerExceptionMapper
    public Response parameter(InvalidParameterException failure) {
        return problem(400, "Invalid request", failure.getMessage(), failure.field());
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

    private static final Map<Integer, String> TITLES = Map.of(400, "Invalid request", 404, "Not found", 409, "Conflict",
            413, "Payload too large");

    /**
     * @param failure a service refusal
     * @return its HTTP status
     */
    static int status(DomainException failure) {
        if (failure instanceof InvalidArgumentException) {
            return 400;
        } else if (failure instanceof NotFoundException) {
            return 404;
        } else if (failure instanceof ConflictException) {
            return 409;
        } else if (failure instanceof TooLargeException) {
            return 413;
        }
        return 422; // RefusedException, the last permitted subclass
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
