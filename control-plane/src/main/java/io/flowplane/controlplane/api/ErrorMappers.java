package io.flowplane.controlplane.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.flowplane.controlplane.common.ConflictException;
import io.flowplane.controlplane.common.FieldError;
import io.flowplane.controlplane.common.NotFoundException;
import io.flowplane.controlplane.common.ValidationException;
import io.flowplane.controlplane.state.IllegalTransitionException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.glassfish.jersey.server.ParamException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.UUID;

/** Every error leaves as application/problem+json; bad input is 4xx and names the field. */
final class ErrorMappers {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMappers.class);

    private ErrorMappers() {
    }

    static List<Object> all() {
        return List.of(new Validation(), new NotFound(), new Conflict(), new Transition(), new JsonInput(),
                new Web(), new Unexpected());
    }

    static final class Validation implements ExceptionMapper<ValidationException> {
        @Override
        public Response toResponse(ValidationException e) {
            return Problem.response(422, "Unprocessable Content", e.getMessage(), e.errors());
        }
    }

    static final class NotFound implements ExceptionMapper<NotFoundException> {
        @Override
        public Response toResponse(NotFoundException e) {
            return Problem.response(Response.Status.NOT_FOUND, e.getMessage());
        }
    }

    static final class Conflict implements ExceptionMapper<ConflictException> {
        @Override
        public Response toResponse(ConflictException e) {
            return Problem.response(Response.Status.CONFLICT, e.getMessage());
        }
    }

    static final class Transition implements ExceptionMapper<IllegalTransitionException> {
        @Override
        public Response toResponse(IllegalTransitionException e) {
            return Problem.response(Response.Status.CONFLICT, e.getMessage());
        }
    }

    /** Malformed JSON, unknown fields, wrong types and unknown enum values. */
    static final class JsonInput implements ExceptionMapper<JsonProcessingException> {
        @Override
        public Response toResponse(JsonProcessingException e) {
            JsonErrors.Described d = JsonErrors.describe(e);
            return Problem.response(400, "Bad Request", d.detail(), d.errors());
        }
    }

    /** Jersey's own errors (unknown path, wrong method, bad query parameter, too large). */
    static final class Web implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            Response r = e.getResponse();
            if (r.hasEntity() && Problem.MEDIA.isCompatible(r.getMediaType())) {
                return r;
            }
            if (e instanceof ParamException p) {
                String field = p.getParameterName();
                int status = p instanceof ParamException.PathParamException ? 404 : 400;
                String message = "invalid value for " + p.getParameterType().getSimpleName().replace("Param", "").toLowerCase()
                        + " parameter '" + field + "'";
                return Problem.response(status, Response.Status.fromStatusCode(status).getReasonPhrase(), message,
                        List.of(new FieldError(field, "invalid value")));
            }
            Response.StatusType status = r.getStatusInfo();
            String detail = e.getMessage() == null ? status.getReasonPhrase() : e.getMessage();
            return Problem.response(status.getStatusCode(), status.getReasonPhrase(), detail, List.of());
        }
    }

    /** A bug, not bad input: log it with an id the user can quote, show no internals. */
    static final class Unexpected implements ExceptionMapper<Throwable> {
        @Override
        public Response toResponse(Throwable e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof BodyLimit.TooLarge) {
                    return Problem.response(413, "Content Too Large", c.getMessage(), List.of());
                }
                if (c instanceof JsonProcessingException j) {
                    return new JsonInput().toResponse(j);
                }
            }
            String id = UUID.randomUUID().toString();
            LOG.error("unexpected error {}", id, e);
            return Problem.response(500, "Internal Server Error", "unexpected error " + id + "; see the control plane's log", List.of());
        }
    }
}
