package io.flowplane.controlplane.ops;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.NotNull;

/** {@code prometheus:} in control-plane.yml. */
public class MetricsSettings {
    /**
     * How long the run and agent gauges' query results are reused: a scrape every few seconds
     * by several Prometheus replicas then costs one set of queries, not one per scrape.
     */
    @NotNull @JsonProperty public Duration gaugeCacheTtl = Duration.seconds(5);
}
