package io.flowplane.bench;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * control_plane_start_ms: a new control plane started the way users start it, {@code flowplane server
 * --config control-plane.yml} through the repository's launcher (the built
 * {@code cli/target/flowplane.jar}, the JVM options of {@code deploy/jvm/server.options} and the
 * class-data archive the launcher records once per build and JVM), in an empty directory, so the
 * shipped default H2 URL applies unchanged, the schema is migrated and the first admin key created;
 * the clock stops when the REST API answers an authenticated request with 200 and the gRPC port
 * accepts connections. Also a restart on the same file. Before the timed starts, one untimed start
 * lets the launcher record the archive if it is missing or stale (its time goes to stderr as the
 * first start after a build); stderr also gets one start with default JVM options and no archive
 * ({@code java -jar flowplane.jar server}) for comparison.
 */
final class StartupBench {
    private StartupBench() {
    }

    static void run(Path root, int repeats) throws Exception {
        Out.info("control plane launched as `flowplane server`: java %s -XX:SharedArchiveFile=cli/target/flowplane-server.jsa"
                + " -jar cli/target/flowplane.jar server (deploy/jvm/server.options)", Jvm.shippedOptions("server.options"));
        double first = startOnce(Files.createDirectories(root.resolve("warm-up")), "warm-up", true);
        Out.info("untimed warm-up start (records the class-data archive if the build or the JVM changed): %.0f ms", first);
        List<Double> fresh = new ArrayList<>();
        List<Double> restart = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            Path dir = Files.createDirectories(root.resolve("start-" + i));
            fresh.add(startOnce(dir, "fresh-" + i, true));
            restart.add(startOnce(dir, "restart-" + i, true));
        }
        double defaults = startOnce(Files.createDirectories(root.resolve("defaults")), "defaults", false);
        Out.info("control plane start: fresh %s ms, restart %s ms; with default JVM options and no archive"
                + " (java -jar flowplane.jar server): fresh %.0f ms", fresh, restart, defaults);
        Out.metric("control_plane_start_ms", median(fresh), "ms");
        Out.metric("control_plane_restart_ms", median(restart), "ms");
    }

    private static double median(List<Double> v) {
        return Out.percentile(v.stream().mapToDouble(Double::doubleValue).toArray(), 50);
    }

    private static double startOnce(Path dir, String label, boolean shipped) throws Exception {
        int rest = Jvm.freePort();
        int admin = Jvm.freePort();
        int grpc = Jvm.freePort();
        Path yml = dir.resolve("control-plane.yml");
        Files.writeString(yml, String.join("\n",
                "server:",
                "  applicationConnectors: [{type: http, port: " + rest + ", bindHost: 127.0.0.1}]",
                "  adminConnectors: [{type: http, port: " + admin + ", bindHost: 127.0.0.1}]",
                "  requestLog: {appenders: []}",
                "grpc: {port: " + grpc + ", bindHost: 127.0.0.1}",
                "auth: {bootstrapAdminKey: " + BenchControlPlane.ADMIN_KEY + "}",
                "logging: {level: WARN}", ""));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rest + "/api/v1/work-pools"))
                .header("Authorization", "Bearer " + BenchControlPlane.ADMIN_KEY).timeout(Duration.ofSeconds(2)).build();
        long t0 = System.nanoTime();
        List<String> args = List.of("server", "--config", yml.toString());
        Process p = shipped ? Jvm.launcher(dir, dir.resolve(label + ".log"), args)
                : Jvm.distributionWithDefaults(dir, dir.resolve(label + ".log"), args);
        try {
            long deadline = t0 + Duration.ofSeconds(300).toNanos();
            boolean restUp = false;
            boolean grpcUp = false;
            while (!(restUp && grpcUp)) {
                if (System.nanoTime() > deadline || !p.isAlive()) {
                    throw new IllegalStateException("the control plane did not start; see " + dir.resolve(label + ".log"));
                }
                if (!restUp) {
                    try {
                        restUp = http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                    } catch (java.io.IOException e) {
                        // not yet
                    }
                }
                if (restUp && !grpcUp) {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", grpc), 200);
                        grpcUp = true;
                    } catch (java.io.IOException e) {
                        // not yet
                    }
                }
                if (!(restUp && grpcUp)) {
                    Thread.sleep(5);
                }
            }
            return (System.nanoTime() - t0) / 1e6;
        } finally {
            Jvm.stop(p);
        }
    }
}
