package io.flowplane.cli.server;

import io.flowplane.controlplane.app.ControlPlaneApplication;

/** Starts the control plane in this JVM; kept apart so that only server and dev load Dropwizard. */
final class ControlPlaneLauncher {
    private ControlPlaneLauncher() {
    }

    /** Runs until the JVM is asked to stop (Ctrl-C, SIGTERM): Jetty then stops every managed service. */
    static void serve(String configFile) throws Exception {
        String[] args = configFile == null ? new String[]{"server"} : new String[]{"server", configFile};
        new ControlPlaneApplication().run(args);
        Thread.currentThread().join();
    }
}
