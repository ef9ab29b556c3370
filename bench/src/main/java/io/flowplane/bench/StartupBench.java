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
 * control_plane_start_ms: a fresh JVM runs {@code ControlPlaneApplication server control-plane.yml}
 * in an empty directory (so the shipped default H2 URL applies unchanged, the schema is migrated
 * and the first admin key created); the clock stops when the REST API answers an authenticated
 * request with 200 and the gRPC port accepts connections. Also a restart on the same file.
 */
final class StartupBench {
    private StartupBench() {
    }

    static void run(Path root, int repeats) throws Exception {
        List<Double> fresh = new ArrayList<>();
        List<Double> restart = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            Path dir = Files.createDirectories(root.resolve("start-" + i));
            fresh.add(startOnce(dir, "fresh-" + i));
            restart.add(startOnce(dir, "restart-" + i));
        }
        Out.info("control plane start: fresh %s ms, restart %s ms", fresh, restart);
        Out.metric("control_plane_start_ms", median(fresh), "ms");
        Out.metric("control_plane_restart_ms", median(restart), "ms");
    }

    private static double median(List<Double> v) {
        return Out.percentile(v.stream().mapToDouble(Double::doubleValue).toArray(), 50);
    }

    private static double startOnce(Path dir, String label) throws Exception {
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
        Process p = Jvm.start(dir, dir.resolve(label + ".log"), List.of(),
                "io.flowplane.controlplane.app.ControlPlaneApplication", List.of("server", yml.toString()));
        try {
            long deadline = t0 + Duration.ofSeconds(120).toNanos();
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
