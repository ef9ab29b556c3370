package io.flowplane.controlplane.ops;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.core.setup.Environment;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * {@code /metrics/prometheus} on the admin port: the Prometheus text format (or OpenMetrics, or
 * the protobuf format, as the scraper's Accept header asks), with Dropwizard's own metrics (JVM,
 * Jetty, database pool, the meters and timers of the services) bridged in beside the labelled
 * metrics of {@link OpsMetrics}.
 */
public final class PrometheusEndpoint {
    public static final String PATH = "/metrics/prometheus";

    private PrometheusEndpoint() {
    }

    public static void register(Environment env, PrometheusRegistry registry, MetricRegistry dropwizard) {
        DropwizardExports.builder().dropwizardRegistry(dropwizard).register(registry);
        env.admin().addServlet("prometheus", new PrometheusMetricsServlet(registry)).addMapping(PATH);
    }
}
