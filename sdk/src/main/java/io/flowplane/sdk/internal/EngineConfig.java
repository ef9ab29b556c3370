package io.flowplane.sdk.internal;

import io.flowplane.sdk.Sleeper;
import io.flowplane.sdk.results.ResultStore;

import java.time.Clock;
import java.util.Map;

/** What an engine is made of; built by {@link io.flowplane.sdk.FlowRunner.Builder}. */
public record EngineConfig(Clock clock, Sleeper sleeper, int threads, ResultStore resultStore, Reporting reporting,
                           Map<String, Integer> tagLimits, boolean captureLogs) {
}
