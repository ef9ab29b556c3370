package io.flowplane.controlplane.automations;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** control-plane.yml {@code automations:} the event log's retention and the evaluator's and notifier's timing. */
public class AutomationsConfiguration {
    /** Events older than this are deleted. */
    @NotNull @JsonProperty public Duration eventRetention = Duration.days(7);
    /** How often agents' presence is compared with their heartbeats (agent.offline events). */
    @NotNull @JsonProperty public Duration presenceInterval = Duration.seconds(10);
    /**
     * The evaluator wakes on every commit that wrote events; this is the pass that also checks
     * absence triggers and picks up work left by a restart.
     */
    @NotNull @JsonProperty public Duration evaluationInterval = Duration.seconds(5);
    /** First retry delay of a failed action or notification; doubled per attempt. */
    @NotNull @JsonProperty public Duration retryDelay = Duration.seconds(1);
    /** Attempts before an action or notification delivery is marked FAILED. */
    @Min(1) @JsonProperty public int maxAttempts = 5;
    /** Per-request timeout of a webhook delivery. */
    @NotNull @JsonProperty public Duration webhookTimeout = Duration.seconds(10);
    /** When false, fired actions stay pending (tests of a crash between firing and action use it). */
    @JsonProperty public boolean executeActions = true;
}
