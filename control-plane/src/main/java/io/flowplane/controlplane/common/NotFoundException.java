package io.flowplane.controlplane.common;

/** A referenced thing does not exist. Maps to 404 (REST) and NOT_FOUND (gRPC). */
public final class NotFoundException extends RuntimeException {
    public NotFoundException(String kind, Object id) {
        super(kind + " '" + id + "' not found");
    }
}
