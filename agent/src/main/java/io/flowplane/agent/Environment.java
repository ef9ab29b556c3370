package io.flowplane.agent;

import io.flowplane.agent.config.AgentConfig;
import io.flowplane.agent.exec.RunSupervisor;
import io.flowplane.agent.secrets.DirectorySecretProvider;
import io.flowplane.agent.secrets.EnvSecretProvider;
import io.flowplane.agent.secrets.SecretProvider;
import io.flowplane.agent.secrets.SecretResolver;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The agent's environment and its secret providers: environment variables first, then the secrets directory. */
final class Environment implements RunSupervisor.RunEnvironmentFactory {
    private final Map<String, String> env;
    private final SecretResolver secrets;

    Environment(AgentConfig config, Map<String, String> env) {
        this.env = env;
        List<SecretProvider> providers = new ArrayList<>();
        providers.add(new EnvSecretProvider(config.secretEnvPrefix, env));
        if (config.secretsDir != null && !config.secretsDir.isBlank()) {
            providers.add(new DirectorySecretProvider(Path.of(config.secretsDir)));
        }
        this.secrets = new SecretResolver(providers, config.secretMinLength);
    }

    @Override
    public Map<String, String> agentEnvironment() {
        return env;
    }

    @Override
    public SecretResolver secrets() {
        return secrets;
    }
}
