package io.flowplane.examples.sales;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Parameters of the sales report flow. */
public record SalesParams(
        @JsonPropertyDescription("CSV to read: a file path, or classpath:sales.csv for the sample shipped with the example")
        String input,
        @JsonPropertyDescription("Directory the report file is written to")
        String outputDir,
        @JsonPropertyDescription("Rows per aggregation task")
        int chunkSize) {

    public static SalesParams defaults() {
        return new SalesParams("classpath:sales.csv", "sales-report", 50);
    }
}
