package io.flowplane.controlplane.common;

/** One invalid field of a request: its JSON path (e.g. "schedules[0].cron") and what is wrong. */
public record FieldError(String field, String message) {
}
