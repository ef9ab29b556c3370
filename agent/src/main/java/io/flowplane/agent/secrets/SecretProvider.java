package io.flowplane.agent.secrets;

import java.util.Optional;

/**
 * A source of secret values on the agent's side (environment, files, a vault…). Values are used
 * only to start flow processes; they never leave the agent.
 */
public interface SecretProvider {
    /** The value of secret {@code name}, or empty if this provider does not know it. */
    Optional<String> get(String name);
}
