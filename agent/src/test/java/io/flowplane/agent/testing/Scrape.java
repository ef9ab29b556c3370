package io.flowplane.agent.testing;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_33_0.Metrics;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One Prometheus scrape, read by the Prometheus client's own parser: the endpoint is asked for
 * the protobuf exposition format (what Prometheus itself may negotiate) and each family is
 * parsed with the client's generated {@code MetricFamily}. The text format is fetched from the
 * same endpoint and must name the same families (there is no maintained Java parser of the text
 * format to read its numbers with).
 */
public final class Scrape {
    private static final String PROTOBUF =
            "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Map<String, Metrics.MetricFamily> families;
    private final String text;

    private Scrape(Map<String, Metrics.MetricFamily> families, String text) {
        this.families = families;
        this.text = text;
    }

    public static Scrape of(URI uri) throws Exception {
        HttpResponse<InputStream> proto = HTTP.send(HttpRequest.newBuilder(uri).header("Accept", PROTOBUF).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(proto.statusCode()).as("scrape %s", uri).isEqualTo(200);
        assertThat(proto.headers().firstValue("Content-Type").orElse("")).startsWith("application/vnd.google.protobuf");
        Map<String, Metrics.MetricFamily> families = new LinkedHashMap<>();
        try (InputStream in = proto.body()) {
            Metrics.MetricFamily f;
            while ((f = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
                families.put(f.getName(), f);
            }
        }
        HttpResponse<String> text = HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(text.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        return new Scrape(families, text.body());
    }

    /** The families must appear in the text format too, with the same type. */
    public Scrape textAgrees() {
        for (Metrics.MetricFamily f : families.values()) {
            String type = f.getType().name().toLowerCase(java.util.Locale.ROOT);
            String name = f.getType() == Metrics.MetricType.COUNTER && f.getName().endsWith("_total")
                    ? f.getName().substring(0, f.getName().length() - "_total".length()) : f.getName();
            assertThat(text).as("text format").containsPattern("(?m)^# TYPE " + java.util.regex.Pattern.quote(name)
                    + "(_total)? " + type + "$");
        }
        return this;
    }

    public java.util.Set<String> names() {
        return families.keySet();
    }

    public boolean has(String family) {
        return family(family) != null;
    }

    /**
     * The value of the series of {@code family} whose labels include {@code labels} (name, value,
     * …): a counter's or gauge's value, a histogram's sample count; 0 if there is no such series.
     */
    public double value(String family, String... labels) {
        Metrics.MetricFamily f = family(family);
        if (f == null) {
            return 0;
        }
        double sum = 0;
        for (Metrics.Metric m : f.getMetricList()) {
            if (matches(m, labels)) {
                sum += switch (f.getType()) {
                    case COUNTER -> m.getCounter().getValue();
                    case GAUGE -> m.getGauge().getValue();
                    case HISTOGRAM -> m.getHistogram().getSampleCount();
                    case SUMMARY -> m.getSummary().getSampleCount();
                    default -> m.getUntyped().getValue();
                };
            }
        }
        return sum;
    }

    private Metrics.MetricFamily family(String name) {
        Metrics.MetricFamily f = families.get(name);
        return f != null ? f : families.get(name + "_total");
    }

    private static boolean matches(Metrics.Metric m, String... labels) {
        for (int i = 0; i < labels.length; i += 2) {
            String key = labels[i];
            String want = labels[i + 1];
            if (m.getLabelList().stream().noneMatch(l -> l.getName().equals(key) && l.getValue().equals(want))) {
                return false;
            }
        }
        return true;
    }
}
