package io.flowplane.controlplane.model;

import java.time.Instant;
import java.util.UUID;

/** One HTTP attempt of a delivery: the receiver's status code, or the error when there was none. */
public record NotificationAttempt(long id, UUID deliveryId, Instant at, Integer statusCode, String error,
                                  long durationMs) {
}
