package io.flowplane.examples.sales;

import java.util.List;

/** What the flow returns: per-region totals, rows dropped as invalid, and where the report file is. */
public record SalesReport(List<RegionTotal> regions, int rowsRead, int rowsDropped, double totalRevenue,
                          String reportFile) {
}
