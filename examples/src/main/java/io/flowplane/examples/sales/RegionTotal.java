package io.flowplane.examples.sales;

/** Revenue and volume of one region (possibly partial: one chunk's worth). */
public record RegionTotal(String region, int orders, int units, double revenue) {
    RegionTotal plus(RegionTotal other) {
        return new RegionTotal(region, orders + other.orders, units + other.units, revenue + other.revenue);
    }
}
