package io.flowplane.controlplane.api;

import io.flowplane.controlplane.common.ValidationException;

/** A JSON body that is required must be present. */
final class Bodies {
    private Bodies() {
    }

    static <T> T required(T body) {
        if (body == null) {
            throw new ValidationException("body", "a JSON body is required");
        }
        return body;
    }
}
