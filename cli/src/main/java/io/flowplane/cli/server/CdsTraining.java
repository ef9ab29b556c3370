package io.flowplane.cli.server;

import io.flowplane.sdk.client.FlowplaneClient;
import io.flowplane.sdk.client.Views;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The training run behind the server's class-data archive (AppCDS). The launcher, the
 * control-plane image and the systemd unit run
 * {@code java -XX:ArchiveClassesAtExit=FILE -cp flowplane.jar io.flowplane.cli.server.CdsTraining};
 * this starts what {@code flowplane dev} starts (control plane on a new H2 file, an agent, the
 * example deployment and one run of it) on free loopback ports in a temporary directory, waits
 * until the run has completed, and exits: the JVM then writes every class it loaded to FILE.
 * Later starts with {@code -XX:SharedArchiveFile=FILE} map those classes instead of reading,
 * parsing and verifying about 10,000 classes from the jar, which was the largest part of the
 * control plane's start-up time. Exit code 0 when the run completed, 1 otherwise (the archive
 * is written either way; the caller keeps it only on 0).
 */
public final class CdsTraining {
    private CdsTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("flowplane-cds-training-");
        int code = 1;
        DevMode.Running running = null;
        try {
            DevMode.Settings settings = new DevMode.Settings(0, 0, 0, dir, 2, true, null, "WARN");
            running = new DevMode(settings, new PrintStream(OutputStream.nullOutputStream())).start();
            FlowplaneClient client = new FlowplaneClient(running.url(), running.key());
            client.runs(null, 10);
            Views.FlowRunView run = client.awaitTerminal(running.exampleRun(), Duration.ofMinutes(2));
            client.logs(run.id(), 0, 100);
            if ("COMPLETED".equals(run.state().type())) {
                code = 0;
            } else {
                System.err.println("flowplane: the training run's example flow ended " + run.state().type());
            }
        } catch (Exception e) {
            System.err.println("flowplane: the training run failed: " + e);
        } finally {
            if (running != null) {
                // The agent first, then the control plane: what Ctrl-C does in dev mode; the stop path is recorded too.
                running.app().stop();
            }
            delete(dir);
        }
        System.exit(code);
    }

    private static void delete(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // A temporary directory: left for the OS to clean.
        }
    }
}
