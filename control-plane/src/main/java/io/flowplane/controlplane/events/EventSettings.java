package io.flowplane.controlplane.events;

import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.state.RetryPolicy;

import java.time.Duration;
import java.util.function.Function;

/** Lease length that reports from the holder extend, log limits, and each run's retry rule. */
public record EventSettings(Duration leaseDuration, LogLimits logLimits, Function<FlowRun, RetryPolicy> retries) {
}
