package io.flowplane.cli.server;

import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.lifecycle.ServerLifecycleListener;
import io.flowplane.cli.CliException;
import io.flowplane.controlplane.app.ControlPlaneApplication;
import io.flowplane.controlplane.app.ControlPlaneConfiguration;

import org.eclipse.jetty.server.Server;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The control plane as dev mode runs it: it learns the ports Jetty bound (0 means "any free"),
 * and stops dev mode's agent before anything else. Jetty stops managed objects in reverse order
 * of registration, and this registers last, so at Ctrl-C the agent flushes its spool over gRPC
 * while the control plane is still up.
 */
final class DevApplication extends ControlPlaneApplication {
    private volatile int restPort;
    private volatile int adminPort;
    private volatile Server server;
    private final AtomicReference<Runnable> stopAgent = new AtomicReference<>();

    @Override
    public void run(ControlPlaneConfiguration config, Environment env) {
        super.run(config, env);
        env.lifecycle().addServerLifecycleListener(new ServerLifecycleListener() {
            @Override
            public void serverStarted(Server started) {
                server = started;
                restPort = getLocalPort(started);
                adminPort = getAdminPort(started);
            }
        });
        env.lifecycle().manage(new Managed() {
            @Override
            public void stop() {
                Runnable r = stopAgent.getAndSet(null);
                if (r != null) {
                    r.run();
                }
            }
        });
    }

    @Override
    protected void onFatalError(Throwable t) {
        throw new CliException("the control plane did not start: " + t.getMessage(), 1, t);
    }

    /** What to run first at shutdown. */
    void onStop(Runnable stop) {
        stopAgent.set(stop);
    }

    /** Stops Jetty and with it every managed service, the agent first (what Ctrl-C does through the shutdown hook). */
    void stop() throws Exception {
        Server s = server;
        if (s != null) {
            s.stop();
        }
    }

    int restPort() {
        return restPort;
    }

    int adminPort() {
        return adminPort;
    }
}
