/**
 * Operations: what an operator scrapes and alerts on. {@link io.flowplane.controlplane.ops.OpsMetrics}
 * holds the Prometheus registry (labelled counters and histograms fed by small hooks in the
 * ledger, the claim path, event ingestion and the REST/gRPC edges), {@link
 * io.flowplane.controlplane.ops.RunGauges} computes run and agent gauges from a few indexed
 * queries cached briefly, and {@link io.flowplane.controlplane.ops.PrometheusEndpoint} serves it
 * all, with the Dropwizard registry bridged in, on the admin port.
 */
package io.flowplane.controlplane.ops;
