package io.flowplane.agent.exec;

import com.google.protobuf.util.Timestamps;
import io.flowplane.agent.secrets.SecretResolver;
import io.flowplane.proto.v1.ClaimedRun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a flow process starts with (docs/run-environment.md): the agent's environment minus its own
 * FLOWPLANE_* settings (the API key must never reach a flow), the deployment's environment with
 * secret references resolved, and the run's FLOWPLANE_* contract variables on top.
 */
final class RunEnvironment {

    /** The environment, and the secret values it holds (to redact from everything the run reports). */
    record Prepared(Map<String, String> env, Set<String> secrets, Path parametersFile) {
    }

    private final Map<String, String> inherited;
    private final SecretResolver secrets;

    RunEnvironment(Map<String, String> agentEnv, SecretResolver secrets) {
        Map<String, String> copy = new HashMap<>(agentEnv);
        copy.keySet().removeIf(k -> k.startsWith("FLOWPLANE_"));
        this.inherited = Map.copyOf(copy);
        this.secrets = secrets;
    }

    Prepared prepare(ClaimedRun run, Path runDir, String relayEndpoint, String token)
            throws IOException, SecretResolver.MissingSecretException {
        Set<String> used = new HashSet<>();
        Map<String, String> env = new HashMap<>(inherited);
        for (Map.Entry<String, String> e : run.getEntrypoint().getEnvMap().entrySet()) {
            env.put(e.getKey(), secrets.resolve(e.getValue(), used));
        }
        Files.createDirectories(runDir);
        Path parameters = runDir.resolve("parameters.json");
        String json = run.getParametersJson().isBlank() ? "{}" : run.getParametersJson();
        Files.writeString(parameters, json, StandardCharsets.UTF_8);
        env.put("FLOWPLANE_RUN_ID", run.getRunId());
        env.put("FLOWPLANE_LEASE_EPOCH", Long.toString(run.getLeaseEpoch()));
        env.put("FLOWPLANE_ATTEMPT", Integer.toString(run.getAttempt()));
        env.put("FLOWPLANE_DEPLOYMENT_ID", run.getDeploymentId());
        env.put("FLOWPLANE_DEPLOYMENT_NAME", run.getDeploymentName());
        env.put("FLOWPLANE_FLOW_NAME", run.getFlowName());
        env.put("FLOWPLANE_PARAMETERS_FILE", parameters.toAbsolutePath().toString());
        if (run.hasScheduledAt()) {
            env.put("FLOWPLANE_SCHEDULED_AT", Instant.ofEpochMilli(Timestamps.toMillis(run.getScheduledAt())).toString());
        }
        putIfSet(env, "FLOWPLANE_SCHEDULE_ID", run.getScheduleId());
        putIfSet(env, "FLOWPLANE_BACKFILL_ID", run.getBackfillId());
        env.put("FLOWPLANE_EVENTS_ENDPOINT", relayEndpoint);
        env.put("FLOWPLANE_EVENTS_TOKEN", token);
        return new Prepared(env, used, parameters);
    }

    /** Resolves one secret reference (a deployment source's credentials); the value is added to {@code used}. */
    String secret(String reference, Set<String> used) throws SecretResolver.MissingSecretException {
        return secrets.resolve(reference, used);
    }

    /** The secret values the run's environment holds (to redact what an adopted run reports); unresolvable ones are skipped. */
    Set<String> secretValues(ClaimedRun run) {
        Set<String> used = new HashSet<>();
        for (String value : run.getEntrypoint().getEnvMap().values()) {
            try {
                secrets.resolve(value, used);
            } catch (SecretResolver.MissingSecretException e) {
                // Gone since the run started: its value cannot be in this agent's reach to redact.
            }
        }
        return used;
    }

    /**
     * The first reference in the run's environment this agent resolves to a value too short to
     * mask, as the refusal's message; null if none. References it cannot resolve are skipped:
     * each is checked on its own, so a missing one does not hide a short one after it.
     */
    String tooShortSecret(ClaimedRun run) {
        for (String value : new java.util.TreeMap<>(run.getEntrypoint().getEnvMap()).values()) {
            for (String reference : SecretResolver.references(value)) {
                try {
                    secrets.resolve(reference, new HashSet<>());
                } catch (SecretResolver.TooShortSecretException e) {
                    return e.getMessage();
                } catch (SecretResolver.MissingSecretException e) {
                    // Not this agent's to know: the Kubernetes Secret holds it.
                }
            }
        }
        return null;
    }

    private static void putIfSet(Map<String, String> env, String key, String value) {
        if (value != null && !value.isEmpty()) {
            env.put(key, value);
        }
    }
}
