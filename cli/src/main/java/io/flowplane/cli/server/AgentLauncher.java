package io.flowplane.cli.server;

import io.flowplane.agent.Agent;
import io.flowplane.agent.config.AgentConfig;
import io.flowplane.cli.CliException;

import java.time.Duration;

/** Starts dev mode's agent on the default pool, in this JVM, talking to the control plane over loopback gRPC. */
final class AgentLauncher {
    /** A running agent, as the banner describes it. */
    record Started(String description) {
    }

    private AgentLauncher() {
    }

    static Started start(DevApplication app, DevMode.Settings s, String key) {
        AgentConfig c = new AgentConfig();
        c.url = "127.0.0.1:" + app.grpcPort();
        c.apiKey = key;
        c.pool = DevMode.POOL;
        c.slots = s.slots();
        c.name = "dev-agent";
        c.stateDir = s.dataDir().resolve("agent").toString();
        // Ctrl-C in dev mode should feel immediate: running flows get a few seconds, not half a minute.
        c.shutdownGrace = Duration.ofSeconds(5);
        c.killGrace = Duration.ofSeconds(3);
        c.flushTimeout = Duration.ofSeconds(5);
        Agent agent;
        try {
            agent = Agent.start(c, Agent.Options.defaults());
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new CliException("the agent did not start: " + e.getMessage(), 1, e);
        }
        // Stopped by the control plane's lifecycle, first, while gRPC still accepts its last events.
        app.onStop(agent::shutdown);
        return new Started(c.name + " (" + agent.agentId() + ") on pool '" + c.pool + "', " + c.slots
                + " slots; state in " + c.stateDir);
    }
}
