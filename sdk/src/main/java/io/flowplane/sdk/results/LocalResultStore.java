package io.flowplane.sdk.results;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Results as files in a local directory, named by the SHA-256 of their content (equal results
 * are stored once). Files are written by one background thread so the task path only hashes;
 * until written, values are served from memory. Cache entries are small JSON files under
 * {@code cache/}, written synchronously.
 */
public final class LocalResultStore implements ResultStore, AutoCloseable {
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(LocalResultStore::sha256);
    private static final HexFormat HEX = HexFormat.of();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Path cacheDir;
    private final String baseUri;
    private final Map<String, byte[]> pending = new ConcurrentHashMap<>();
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "flowplane-result-writer");
        t.setDaemon(true);
        return t;
    });

    public LocalResultStore(Path dir) {
        try {
            this.dir = Files.createDirectories(dir).toAbsolutePath();
            this.cacheDir = Files.createDirectories(this.dir.resolve("cache"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create result directory " + dir, e);
        }
        this.baseUri = this.dir.toUri().toString();
    }

    /** {@code FLOWPLANE_RESULTS_DIR}, or {@code .flowplane/results} under the working directory. */
    public static LocalResultStore fromEnvironment() {
        String dir = System.getenv("FLOWPLANE_RESULTS_DIR");
        return new LocalResultStore(Path.of(dir == null || dir.isBlank() ? ".flowplane/results" : dir));
    }

    public Path directory() {
        return dir;
    }

    @Override
    public ResultRef put(byte[] serialized) {
        String hex = HEX.formatHex(SHA256.get().digest(serialized));
        if (known.add(hex)) {
            pending.put(hex, serialized);
            writer.execute(() -> write(hex, serialized));
        }
        return new ResultRef(baseUri + hex + ".json", "sha256:" + hex);
    }

    @Override
    public byte[] get(ResultRef ref) {
        String hex = ref.hash().substring("sha256:".length());
        byte[] inMemory = pending.get(hex);
        if (inMemory != null) {
            return inMemory;
        }
        try {
            return Files.readAllBytes(dir.resolve(hex + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException("result " + ref.uri() + " is not in the store", e);
        }
    }

    @Override
    public Optional<CacheEntry> cacheGet(String cacheKey) {
        Path file = cacheDir.resolve(fileName(cacheKey));
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            var node = JSON.readTree(file.toFile());
            ResultRef ref = new ResultRef(node.get("uri").asText(), node.get("hash").asText());
            return Optional.of(new CacheEntry(ref, Instant.parse(node.get("storedAt").asText())));
        } catch (IOException | RuntimeException e) {
            // A torn or foreign file is a miss: the task recomputes and overwrites it.
            return Optional.empty();
        }
    }

    @Override
    public void cachePut(String cacheKey, CacheEntry entry) {
        var node = JSON.createObjectNode().put("key", cacheKey).put("uri", entry.ref().uri())
                .put("hash", entry.ref().hash()).put("storedAt", entry.storedAt().toString());
        try {
            atomicWrite(cacheDir.resolve(fileName(cacheKey)), JSON.writeValueAsBytes(node));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void flush() {
        Future<?> done = writer.submit(() -> { });
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        flush();
        writer.shutdown();
    }

    private void write(String hex, byte[] bytes) {
        try {
            Path target = dir.resolve(hex + ".json");
            if (!Files.exists(target)) {
                atomicWrite(target, bytes);
            }
            pending.remove(hex);
        } catch (IOException e) {
            // Keep it in memory (get still works in this process) and say so.
            org.slf4j.LoggerFactory.getLogger(LocalResultStore.class).warn("could not write result {}", hex, e);
        }
    }

    private static void atomicWrite(Path target, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".json");
        Files.write(tmp, bytes);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String fileName(String cacheKey) {
        return HEX.formatHex(SHA256.get().digest(cacheKey.getBytes(java.nio.charset.StandardCharsets.UTF_8))) + ".json";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "sha256:" + hex of the bytes' SHA-256. */
    public static String hash(byte[] bytes) {
        return "sha256:" + HEX.formatHex(SHA256.get().digest(bytes));
    }
}
