package io.flowplane.cli.server;

import io.flowplane.cli.CliException;
import io.flowplane.cli.client.Profiles;
import io.flowplane.examples.sales.Deploy;
import io.flowplane.sdk.client.FlowplaneClient;
import io.flowplane.sdk.client.Views;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.stream.Collectors;

/**
 * Dev mode's sequence: check the ports and the data directory, start the control plane with a
 * generated configuration, register the pool and the example deployment, start the agent, write
 * the CLI profile, print where everything is, then wait for Ctrl-C. The shutdown order (agent
 * first, so it can flush its spool to a still-running control plane) is Jetty's reverse start
 * order, see {@link DevApplication}.
 */
final class DevMode {
    static final String POOL = "default";

    record Settings(int port, int adminPort, int grpcPort, Path dataDir, int slots, boolean example, String profile,
                    String logLevel) {
    }

    private final Settings s;
    private final PrintStream out;

    DevMode(Settings s) {
        this(s, System.out);
    }

    DevMode(Settings s, PrintStream out) {
        this.s = s;
        this.out = out;
    }

    /** What {@link #start()} started: the REST URL, the admin key, the example's first run (or null), and how to stop it. */
    record Running(String url, String key, java.util.UUID exampleRun, DevApplication app) {
    }

    void runUntilStopped() throws Exception {
        start();
        Thread.currentThread().join();
    }

    /** Starts everything, prints the banner and returns; Ctrl-C / SIGTERM / System.exit stop it. */
    Running start() throws Exception {
        Files.createDirectories(s.dataDir());
        FileLock lock = lockDataDir();
        checkPortFree(s.port(), "--port");
        checkPortFree(s.adminPort(), "--admin-port");
        checkPortFree(s.grpcPort(), "--grpc-port");
        String key = adminKey();
        Path config = DevConfig.write(s, key);

        out.println("flowplane dev: starting the control plane (data in " + s.dataDir() + ") ...");
        DevApplication app = new DevApplication();
        app.run("server", config.toString());
        String url = "http://127.0.0.1:" + app.restPort();

        FlowplaneClient client = new FlowplaneClient(url, key);
        client.ensureWorkPool(POOL);
        AgentLauncher.Started agent = AgentLauncher.start(app, s, key);
        Example exampleRun = s.example() ? registerExample(client) : null;
        String example = exampleRun == null ? null : exampleRun.description();
        Path profileFile = null;
        if (s.profile() != null) {
            Profiles profiles = Profiles.forUser(System.getenv());
            profiles.save(s.profile(), new Profiles.Profile(url, key));
            profileFile = profiles.path();
        }
        banner(url, app, key, agent, example, profileFile);
        // Held until exit: a second `flowplane dev` on this directory is refused instead of corrupting it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> release(lock), "flowplane-dev-unlock"));
        return new Running(url, key, exampleRun == null ? null : exampleRun.runId(), app);
    }

    private record Example(String description, java.util.UUID runId) {
    }

    /** The example ETL flow as a deployment (nightly schedule) plus one run now, so there is something to see. */
    private Example registerExample(FlowplaneClient client) {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Absolute: the agent starts the command in a per-run working directory.
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(e -> Path.of(e).toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator));
        Views.DeploymentView d = client.upsertDeployment(Deploy.spec(POOL, javaBin, classPath));
        Views.FlowRunView run = client.runDeployment(d.name(), null);
        return new Example(d.name() + " (" + d.change() + "; nightly at 02:00 Europe/Berlin); started run " + run.name()
                + " (" + run.id() + ")", run.id());
    }

    private void banner(String url, DevApplication app, String key, AgentLauncher.Started agent, String example,
                        Path profileFile) {
        out.println();
        out.println("  Flowplane dev mode is running.");
        out.println();
        out.println("  Web UI     " + url + "/               (sign in with the API key below)");
        out.println("  REST API   " + url + "/api/v1        (OpenAPI: " + url + "/api/v1/openapi.yaml)");
        out.println("  gRPC       127.0.0.1:" + app.grpcPort() + "             (agents and the SDK)");
        out.println("  admin      http://127.0.0.1:" + app.adminPort() + "/healthcheck");
        out.println("  API key    " + key + "  (admin)");
        out.println("  agent      " + agent.description());
        if (example != null) {
            out.println("  example    " + example);
        }
        out.println("  data       " + s.dataDir());
        if (profileFile != null) {
            out.println("  profile    '" + s.profile() + "' is active in " + profileFile + ": the CLI needs no flags");
        }
        out.println();
        out.println("  Next, in another terminal:");
        out.println("    flowplane runs ls                      # the example run, and what you start");
        out.println("    flowplane runs logs <RUN_ID> --follow");
        out.println("    flowplane deploy -f examples/flowplane.yaml && flowplane run hello --watch");
        out.println("    curl -H 'Authorization: Bearer " + key + "' " + url + "/api/v1/flow-runs");
        out.println();
        out.println("  Ctrl-C stops everything.");
        out.println();
        out.flush();
    }

    private FileLock lockDataDir() throws IOException {
        FileChannel ch = FileChannel.open(s.dataDir().resolve("dev.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = ch.tryLock();
        if (lock == null) {
            ch.close();
            throw new CliException("another `flowplane dev` is using " + s.dataDir() + " — stop it, or pick another --data-dir");
        }
        return lock;
    }

    private static void release(FileLock lock) {
        try {
            lock.release();
            lock.channel().close();
        } catch (IOException e) {
            // Exiting anyway; the OS drops the lock with the process.
        }
    }

    /** Fails with a one-line hint if the port is taken, rather than a Jetty stack trace mid-start. */
    private static void checkPortFree(int port, String option) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
        } catch (IOException e) {
            throw new CliException("port " + port + " is in use (is another Flowplane running?) — stop it or pick another "
                    + option + " (0 picks a free port)");
        }
    }

    /**
     * The admin key is generated once and kept in the data directory: the control plane stores
     * only its hash and prints a generated key only once, so dev mode passes its own as the
     * bootstrap key and can show it on every start.
     */
    private String adminKey() throws IOException {
        Path file = s.dataDir().resolve("admin-key");
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String key = "fp_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.writeString(file, key + "\n");
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not POSIX: the directory's own permissions apply.
        }
        return key;
    }
}
