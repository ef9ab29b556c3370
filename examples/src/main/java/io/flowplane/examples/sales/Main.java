package io.flowplane.examples.sales;

import io.flowplane.sdk.Flowplane;

/**
 * Runs the sales report flow. Locally: {@code java -cp … io.flowplane.examples.sales.Main
 * [input=path.csv] [outputDir=dir] [chunkSize=n]}. Under an agent or against a control plane,
 * the same command: the environment decides (see {@link Flowplane}).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Flowplane.main(SalesReportFlow.FLOW, SalesParams.defaults(), args);
    }
}
