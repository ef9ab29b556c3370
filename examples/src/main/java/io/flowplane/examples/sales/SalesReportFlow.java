package io.flowplane.examples.sales;

import com.fasterxml.jackson.core.type.TypeReference;
import io.flowplane.sdk.Artifacts;
import io.flowplane.sdk.CachePolicy;
import io.flowplane.sdk.Flow;
import io.flowplane.sdk.RetryPolicy;
import io.flowplane.sdk.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small ETL: read a CSV of orders, drop invalid rows, aggregate revenue per region in mapped
 * (and cached) tasks over chunks, merge, write a report file and publish a table artifact.
 */
public final class SalesReportFlow {
    private static final Logger LOG = LoggerFactory.getLogger(SalesReportFlow.class);

    private SalesReportFlow() {
    }

    /** Raw CSV lines (header dropped); retried because inputs usually live on flaky shares. */
    static final Task<String, List<String>> EXTRACT = Task.<String, List<String>>of("extract", SalesReportFlow::readLines)
            .retries(RetryPolicy.exponential(3, Duration.ofSeconds(1), 2, Duration.ofSeconds(10))
                    .withJitter(0.2).retryOn(UncheckedIOException.class))
            .timeout(Duration.ofMinutes(2));

    /** Parsed, valid sales; invalid lines are logged and dropped. */
    static final Task<List<String>, List<Sale>> TRANSFORM = Task.of("transform", lines -> {
        List<Sale> sales = new ArrayList<>(lines.size());
        for (String line : lines) {
            try {
                sales.add(parse(line));
            } catch (IllegalArgumentException e) {
                LOG.warn("dropping row '{}': {}", line, e.getMessage());
            }
        }
        return sales;
    });

    /** One chunk's totals per region; cached so re-running on the same data skips the work. */
    static final Task<List<Sale>, List<RegionTotal>> AGGREGATE = Task.<List<Sale>, List<RegionTotal>>of("aggregate",
                    chunk -> {
                        Map<String, RegionTotal> byRegion = new TreeMap<>();
                        for (Sale s : chunk) {
                            byRegion.merge(s.region(), new RegionTotal(s.region(), 1, s.quantity(), s.amount()),
                                    RegionTotal::plus);
                        }
                        return List.copyOf(byRegion.values());
                    })
            .cache(CachePolicy.<List<Sale>, List<RegionTotal>>inputs(new TypeReference<>() { })
                    .expireAfter(Duration.ofDays(1)))
            .tags("cpu");

    static final Task<List<List<RegionTotal>>, List<RegionTotal>> MERGE = Task.of("merge", partials -> {
        Map<String, RegionTotal> merged = new TreeMap<>();
        partials.forEach(p -> p.forEach(t -> merged.merge(t.region(), t, RegionTotal::plus)));
        return merged.values().stream().sorted(Comparator.comparingDouble(RegionTotal::revenue).reversed()).toList();
    });

    record ReportRequest(List<RegionTotal> totals, String outputDir) {
    }

    static final Task<ReportRequest, String> WRITE_REPORT = Task.of("write-report", r -> {
        Path dir = Files.createDirectories(Path.of(r.outputDir()));
        Path file = dir.resolve("sales-by-region.csv");
        StringBuilder csv = new StringBuilder("region,orders,units,revenue\n");
        r.totals().forEach(t -> csv.append(String.format(java.util.Locale.ROOT, "%s,%d,%d,%.2f%n", t.region(),
                t.orders(), t.units(), t.revenue())));
        Files.writeString(file, csv);
        System.out.println("wrote " + file.toAbsolutePath());
        return file.toAbsolutePath().toString();
    });

    public static final Flow<SalesParams, SalesReport> FLOW = Flow.of("sales-report", SalesParams.class, p -> {
        List<String> lines = EXTRACT.call(p.input());
        List<Sale> sales = TRANSFORM.call(lines);
        List<List<Sale>> chunks = chunk(sales, p.chunkSize());
        LOG.info("{} valid rows in {} chunk(s)", sales.size(), chunks.size());
        List<RegionTotal> totals = MERGE.call(AGGREGATE.map(chunks));
        String report = WRITE_REPORT.call(new ReportRequest(totals, p.outputDir()));
        Artifacts.table("sales-by-region", "Revenue per region", totals);
        Artifacts.markdown("sales-summary", "**" + sales.size() + "** orders, **"
                + String.format(java.util.Locale.ROOT, "%.2f", totals.stream().mapToDouble(RegionTotal::revenue).sum())
                + "** revenue; report at `" + report + "`");
        double revenue = totals.stream().mapToDouble(RegionTotal::revenue).sum();
        return new SalesReport(totals, lines.size(), lines.size() - sales.size(), revenue, report);
    }).description("Revenue per region from a CSV of orders");

    static List<String> readLines(String input) throws IOException {
        List<String> lines;
        if (input.startsWith("classpath:")) {
            try (InputStream in = SalesReportFlow.class.getResourceAsStream("/" + input.substring("classpath:".length()))) {
                if (in == null) {
                    throw new IllegalArgumentException("no resource " + input);
                }
                lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            }
        } else {
            try {
                lines = Files.readAllLines(Path.of(input));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return lines.stream().skip(1).filter(l -> !l.isBlank()).toList();
    }

    /** order_id,date,region,product,quantity,unit_price — the sample has no quoted fields. */
    static Sale parse(String line) {
        String[] f = line.split(",", -1);
        if (f.length != 6) {
            throw new IllegalArgumentException("expected 6 fields, got " + f.length);
        }
        int quantity;
        double price;
        try {
            quantity = Integer.parseInt(f[4].trim());
            price = Double.parseDouble(f[5].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad number: " + e.getMessage());
        }
        if (quantity <= 0 || price < 0) {
            throw new IllegalArgumentException("quantity must be positive and price not negative");
        }
        return new Sale(f[0].trim(), LocalDate.parse(f[1].trim()), f[2].trim(), f[3].trim(), quantity, price);
    }

    static <T> List<List<T>> chunk(List<T> items, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("chunkSize must be >= 1");
        }
        List<List<T>> chunks = new ArrayList<>();
        for (int i = 0; i < items.size(); i += size) {
            chunks.add(List.copyOf(items.subList(i, Math.min(items.size(), i + size))));
        }
        return chunks;
    }
}
