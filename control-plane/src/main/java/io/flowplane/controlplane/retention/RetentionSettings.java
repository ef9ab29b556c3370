package io.flowplane.controlplane.retention;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** {@code retention:} in control-plane.yml. Both limits empty (the default): finished runs are kept. */
public class RetentionSettings {
    /** Finished runs whose last state is older than this are deleted. Empty: no age limit. */
    @JsonProperty public Duration maxAge;
    /** Only this many finished runs are kept per deployment, the newest. Empty: no count limit. */
    @Min(1) @JsonProperty public Integer keepPerDeployment;
    /** Runs deleted per transaction: each holds its locks for a few milliseconds. */
    @Min(1) @Max(1000) @JsonProperty public int batchSize = 100;
    @NotNull @JsonProperty public Duration interval = Duration.minutes(10);

    public boolean enabled() {
        return maxAge != null || keepPerDeployment != null;
    }
}
