package io.flowplane.controlplane.audit;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.NotNull;

/** {@code audit:} in control-plane.yml. */
public class AuditSettings {
    /** Audit events older than this are deleted (checked hourly). */
    @NotNull @JsonProperty public Duration retention = Duration.days(365);
}
