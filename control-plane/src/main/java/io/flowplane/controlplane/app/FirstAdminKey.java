package io.flowplane.controlplane.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Hands over an admin key the control plane generated on its first start. On a terminal it is
 * shown once, as before. Anywhere else stdout is a log (journald, {@code kubectl logs}, a log
 * shipper), and no key may reach a log: the key goes into a file only its owner can read, and the
 * log says where.
 */
final class FirstAdminKey {
    private static final Logger LOG = LoggerFactory.getLogger(FirstAdminKey.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private FirstAdminKey() {
    }

    static void handOver(String key, boolean terminal, Path file, PrintStream console) {
        if (terminal) {
            console.println();
            console.println("  Flowplane: created the first admin API key. It is shown only this once:");
            console.println();
            console.println("    " + key);
            console.println();
            console.println("  Use it as 'Authorization: Bearer <key>' (REST) or FLOWPLANE_API_KEY (CLI, agent).");
            console.println();
            return;
        }
        write(file, key);
        LOG.warn("created the first admin API key and wrote it to {} (readable by this user only), not to this log:"
                + " read it, keep it somewhere safe and delete the file", file.toAbsolutePath());
    }

    private static void write(Path file, String key) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Files.deleteIfExists(file);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
            Files.writeString(file, key + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the first admin API key to " + file.toAbsolutePath()
                    + " (set auth.bootstrapAdminKey or FLOWPLANE_BOOTSTRAP_ADMIN_KEY instead)", e);
        }
    }
}
