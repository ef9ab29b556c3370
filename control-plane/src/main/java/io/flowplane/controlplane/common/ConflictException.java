package io.flowplane.controlplane.common;

/** The request contradicts what is stored (a name taken, a pool still in use). Maps to 409. */
public final class ConflictException extends RuntimeException {
    public ConflictException(String message) {
        super(message);
    }
}
