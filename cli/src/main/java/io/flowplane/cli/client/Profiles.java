package io.flowplane.cli.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.flowplane.cli.CliException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CLI's profiles: named (URL, API key) pairs in {@code ~/.flowplane/config.json}, one of them
 * active. Written by {@code flowplane login} and {@code flowplane dev}; readable only by the user
 * because it holds keys. {@code FLOWPLANE_CONFIG_DIR} moves the directory (tests, several setups).
 */
public final class Profiles {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    /** One profile. */
    public record Profile(String url, String apiKey) {
        @Override
        public String toString() { // not the record's own, which prints the key
            return "Profile[url=" + url + ", apiKey=" + Target.masked(apiKey) + "]";
        }
    }

    /** The whole file. */
    public record File(String active, Map<String, Profile> profiles) {
        public File {
            profiles = profiles == null ? new TreeMap<>() : new TreeMap<>(profiles);
        }
    }

    private final Path path;

    public Profiles(Path path) {
        this.path = path;
    }

    /** The user's profile file: $FLOWPLANE_CONFIG_DIR/config.json, else ~/.flowplane/config.json. */
    public static Profiles forUser(Map<String, String> env) {
        String dir = env.get("FLOWPLANE_CONFIG_DIR");
        Path base = dir != null && !dir.isBlank() ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".flowplane");
        return new Profiles(base.resolve("config.json"));
    }

    public Path path() {
        return path;
    }

    public File read() {
        if (!Files.exists(path)) {
            return new File(null, null);
        }
        try {
            return JSON.readValue(path.toFile(), File.class);
        } catch (IOException e) {
            throw new CliException("cannot read the profile file " + path + ": " + e.getMessage()
                    + " — fix or delete it, then run `flowplane login`");
        }
    }

    /** Stores {@code profile} under {@code name} and makes it the active one. */
    public void save(String name, Profile profile) {
        File current = read();
        Map<String, Profile> all = new TreeMap<>(current.profiles());
        all.put(name, profile);
        write(new File(name, all));
    }

    private void write(File file) {
        try {
            Files.createDirectories(path.getParent());
            Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp);
            restrict(tmp);
            JSON.writeValue(tmp.toFile(), file);
            // Replace in one step so a concurrent reader never sees half a file.
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliException("cannot write the profile file " + path + ": " + e);
        }
    }

    private static void restrict(Path p) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // Not a POSIX file system (Windows): the user's profile directory protects it.
        }
    }
}
