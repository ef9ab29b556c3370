package io.flowplane.agent.source;

import io.flowplane.proto.v1.CodeSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The code of deployments that name a {@link CodeSource}, fetched by this agent inside the
 * customer's network into {@code <state dir>/code}, one directory per version: a git commit under
 * {@code git/<url hash>/<commit>}, an artifact under {@code artifacts/<sha256>/<file name>}. A version
 * is written to a temporary directory and renamed into place only once complete and verified, so
 * a directory that exists is a version that can be used as is, by any number of runs. Fetches of
 * the same repository or artifact are serialised; different ones proceed in parallel.
 */
public final class CodeCache {
    private final Path root;
    private final GitFetcher git;
    private final ArtifactFetcher artifacts;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /** {@code environment}: what git runs with (the agent's own, without its FLOWPLANE_* settings). */
    public CodeCache(Path root, Map<String, String> environment, java.time.Duration timeout) {
        this.root = root;
        Map<String, String> env = new HashMap<>(environment);
        env.keySet().removeIf(k -> k.startsWith("FLOWPLANE_"));
        this.git = new GitFetcher(env, timeout);
        this.artifacts = new ArtifactFetcher(timeout);
    }

    public Path root() {
        return root;
    }

    /**
     * The version the source names now, fetched first unless the cache holds it.
     * {@code credentials}: the resolved "user:password" for HTTP basic authentication, or null.
     */
    public FetchedCode fetch(CodeSource source, String credentials) throws FetchException {
        try {
            if (source.hasGit()) {
                Path repo = root.resolve("git").resolve(shortHash(source.getGit().getUrl()));
                synchronized (locks.computeIfAbsent(repo.toString(), k -> new Object())) {
                    return git.fetch(source.getGit(), credentials, repo, this::scratch);
                }
            }
            if (source.hasArtifact()) {
                String sha = source.getArtifact().getSha256().toLowerCase(java.util.Locale.ROOT);
                if (!sha.matches("[0-9a-f]{64}")) {
                    throw new FetchException("the artifact's sha256 '" + sha + "' is not 64 hexadecimal characters");
                }
                Path dir = root.resolve("artifacts").resolve(sha);
                synchronized (locks.computeIfAbsent(dir.toString(), k -> new Object())) {
                    return artifacts.fetch(source.getArtifact(), sha, credentials, dir, this::scratch);
                }
            }
        } catch (IOException e) {
            throw new FetchException("could not write the code cache under " + root + ": " + e.getMessage());
        }
        throw new FetchException("the deployment's source names neither a git repository nor an artifact");
    }

    /** A fresh directory on the cache's file system, so finished versions move into place by a rename. */
    private Path scratch() throws IOException {
        Path tmp = root.resolve("tmp").resolve(UUID.randomUUID().toString());
        Files.createDirectories(tmp);
        return tmp;
    }

    static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover in tmp/ is harmless: nothing reads it
        }
    }

    /** Moves a finished version into place; if another incarnation got there first, its copy wins. */
    static Path publish(Path tmp, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        try {
            Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
            deleteQuietly(tmp);
        }
        return target;
    }

    static String shortHash(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where fetches write before {@link #publish}. */
    interface Scratch {
        Path create() throws IOException;
    }
}
