package io.flowplane.controlplane.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The UI's files, read once from the classpath under a prefix and kept with an ETag. */
final class UiFiles {
    record Entry(byte[] bytes, String etag) {
    }

    private final String prefix;
    /** Only files that exist: caching misses let any unauthenticated caller grow it without bound. */
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    UiFiles(String prefix) {
        this.prefix = prefix;
    }

    /** The file, or empty if the jar has none of that name (names are checked by the caller). */
    Optional<Entry> get(String name) {
        if (name.isEmpty()) {
            return Optional.empty();
        }
        Entry hit = cache.get(name);
        if (hit != null) {
            return Optional.of(hit);
        }
        Optional<Entry> loaded = load(name);
        loaded.ifPresent(e -> cache.putIfAbsent(name, e));
        return loaded;
    }

    /** How many files are held (for tests). */
    int cached() {
        return cache.size();
    }

    private Optional<Entry> load(String name) {
        try (InputStream in = UiFiles.class.getClassLoader().getResourceAsStream(prefix + name)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
            return Optional.of(new Entry(bytes, "\"" + HexFormat.of().formatHex(hash, 0, 12) + "\""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
