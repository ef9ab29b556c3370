package io.flowplane.examples.sales;

import java.time.LocalDate;

/** One valid order line. */
public record Sale(String orderId, LocalDate date, String region, String product, int quantity, double unitPrice) {
    public double amount() {
        return quantity * unitPrice;
    }
}
