package io.flowplane.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removing what a run of the bench wrote under the temporary directory. */
final class Dirs {
    private Dirs() {
    }

    /**
     * Deletes {@code dir} and everything under it, if it exists. Best effort: what cannot be
     * deleted (a file still being written) is reported and left, never failing the measurement.
     */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            // Deepest first, so that each directory is empty when its turn comes.
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            Out.info("could not delete all of %s: %s", dir, e);
        }
    }
}
