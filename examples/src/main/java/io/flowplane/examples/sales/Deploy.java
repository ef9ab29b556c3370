package io.flowplane.examples.sales;

import io.flowplane.sdk.client.DeploymentSpec;
import io.flowplane.sdk.client.FlowplaneClient;
import io.flowplane.sdk.client.ScheduleSpec;
import io.flowplane.sdk.client.Views;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Registers the sales report as a deployment on a work pool (default {@code default-pool}), run
 * by the agent with this JVM's java and class path, nightly at 02:00 Europe/Berlin. Reads
 * FLOWPLANE_URL and FLOWPLANE_API_KEY.
 */
public final class Deploy {
    private Deploy() {
    }

    public static DeploymentSpec spec(String pool, String javaBin, String classPath) {
        return DeploymentSpec.forFlow(SalesReportFlow.FLOW).name("sales-report").workPool(pool)
                .command(javaBin, "-cp", classPath, Main.class.getName())
                .parameters(SalesParams.defaults())
                .schedule(ScheduleSpec.cron("0 2 * * *").timezone("Europe/Berlin"))
                .retries(2).retryDelays(Duration.ofMinutes(1), Duration.ofMinutes(10))
                .timeout(Duration.ofMinutes(30)).tags("example", "etl").build();
    }

    public static void main(String[] args) {
        String pool = args.length > 0 ? args[0] : "default-pool";
        FlowplaneClient client = FlowplaneClient.fromEnvironment();
        client.ensureWorkPool(pool);
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Absolute entries: the agent starts the command in its own working directory.
        String classPath = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        Views.DeploymentView d = client.upsertDeployment(spec(pool, javaBin, classPath));
        System.out.println("deployment " + d.name() + " (" + d.id() + "): " + d.change());
    }
}
