package io.flowplane.controlplane.backfills;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.controlplane.common.Validator;

import java.time.Duration;
import java.time.Instant;

/**
 * A backfill as users ask for it: every instant the deployment's schedules (or the one named)
 * would have had in [from, to), with optional parameter overrides, at most {@code maxActive}
 * running at a time (default 1: backfills usually rebuild data in order).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackfillRequest(Instant from, Instant to, ObjectNode parameters, Integer maxActive, String schedule) {
    public static final int MAX_RUNS = 10_000;

    public BackfillRequest normalized() {
        return new BackfillRequest(from, to, parameters, maxActive == null ? 1 : maxActive, schedule);
    }

    public void validate() {
        Validator v = new Validator().required(from, "from").required(to, "to");
        if (from != null && to != null) {
            v.check(Validator.inRange(from), "from", "must be between 1970 and 9999")
                    .check(Validator.inRange(to), "to", "must be between 1970 and 9999")
                    .check(from.isBefore(to), "to", "must be after from")
                    .check(!from.isBefore(to) || Duration.between(from, to).toDays() <= 3660, "to",
                            "a backfill covers at most 10 years");
        }
        v.check(maxActive == null || (maxActive >= 1 && maxActive <= 1000), "maxActive", "must be between 1 and 1000");
        if (schedule != null) {
            v.name(schedule, "schedule");
        }
        v.throwIfInvalid();
    }
}
