package io.flowplane.agent.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Secrets as files in a directory, one per secret, named after it (the layout of Kubernetes and
 * Docker secret mounts). A single trailing newline is not part of the value.
 */
public final class DirectorySecretProvider implements SecretProvider {
    private final Path dir;

    public DirectorySecretProvider(Path dir) {
        this.dir = dir;
    }

    @Override
    public Optional<String> get(String name) {
        if (!SecretResolver.isValidName(name)) {
            return Optional.empty();
        }
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            String value = Files.readString(file, StandardCharsets.UTF_8);
            if (value.endsWith("\r\n")) {
                value = value.substring(0, value.length() - 2);
            } else if (value.endsWith("\n")) {
                value = value.substring(0, value.length() - 1);
            }
            return Optional.of(value);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read secret file " + file, e);
        }
    }
}
