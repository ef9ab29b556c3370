package io.flowplane.agent.secrets;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Secrets from the agent's environment: {@code ${secret:db_password}} is
 * {@code FLOWPLANE_SECRET_db_password}, else {@code FLOWPLANE_SECRET_DB_PASSWORD} (with the default
 * prefix). Flow processes do not inherit these variables unless a deployment references them.
 */
public final class EnvSecretProvider implements SecretProvider {
    private final String prefix;
    private final Map<String, String> env;

    public EnvSecretProvider(String prefix, Map<String, String> env) {
        this.prefix = prefix;
        this.env = env;
    }

    @Override
    public Optional<String> get(String name) {
        String exact = env.get(prefix + name);
        if (exact != null) {
            return Optional.of(exact);
        }
        return Optional.ofNullable(env.get(prefix + name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_")));
    }
}
