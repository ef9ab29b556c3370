package io.flowplane.controlplane.common;

import java.util.List;
import java.util.stream.Collectors;

/** A request whose fields are invalid; nothing was stored. Maps to 422 / INVALID_ARGUMENT. */
public final class ValidationException extends RuntimeException {
    private final List<FieldError> errors;

    public ValidationException(List<FieldError> errors) {
        super(errors.stream().map(e -> e.field() + ": " + e.message()).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public ValidationException(String field, String message) {
        this(List.of(new FieldError(field, message)));
    }

    public List<FieldError> errors() {
        return errors;
    }
}
