package io.flowplane.agent.source;

import io.flowplane.proto.v1.ArtifactSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Copies one artifact (an absolute path, a file: URL, or an http(s) URL inside the customer's
 * network) into the cache while hashing it, and keeps it only if its SHA-256 is the one the
 * deployment names. The cache is keyed by that hash, so a version is downloaded once and a
 * changed hash is a new download.
 */
final class ArtifactFetcher {
    private final Duration timeout;
    private volatile HttpClient http;

    ArtifactFetcher(Duration timeout) {
        this.timeout = timeout;
    }

    FetchedCode fetch(ArtifactSource source, String sha256, String credentials, Path dir, CodeCache.Scratch scratch)
            throws FetchException, IOException {
        String url = source.getUrl();
        String fileName = fileName(url);
        Path cached = dir.resolve(fileName);
        if (Files.isRegularFile(cached)) {
            return new FetchedCode(dir, "sha256:" + sha256, false);
        }
        Path tmp = scratch.create();
        try {
            Path file = tmp.resolve(fileName);
            String actual;
            try (InputStream in = open(url, credentials); OutputStream out = Files.newOutputStream(file)) {
                DigestInputStream digest = new DigestInputStream(in, sha256());
                digest.transferTo(out);
                actual = HexFormat.of().formatHex(digest.getMessageDigest().digest());
            }
            if (!actual.equals(sha256)) {
                throw new FetchException("the artifact " + url + " has sha256 " + actual
                        + ", but the deployment expects sha256 " + sha256 + "; it was not run");
            }
            // One directory per hash; the same bytes under another name become a second file in it.
            CodeCache.publish(file, cached);
            return new FetchedCode(dir, "sha256:" + sha256, true);
        } finally {
            CodeCache.deleteQuietly(tmp);
        }
    }

    private InputStream open(String url, String credentials) throws FetchException, IOException {
        if (url.startsWith("/")) {
            return openFile(Path.of(url), url);
        }
        URI uri = URI.create(url);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("file")) {
            return openFile(Path.of(uri), url);
        }
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new FetchException("the artifact URL " + url + " is neither an absolute path nor a file, http or https URL");
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET();
        if (credentials != null) {
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<InputStream> response;
        try {
            response = client().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchException("interrupted while downloading " + url);
        } catch (IOException e) {
            throw new FetchException("could not download " + url + ": " + e);
        }
        if (response.statusCode() != 200) {
            response.body().close();
            throw new FetchException("downloading " + url + " answered HTTP " + response.statusCode());
        }
        return response.body();
    }

    private static InputStream openFile(Path path, String url) throws FetchException, IOException {
        try {
            return Files.newInputStream(path);
        } catch (NoSuchFileException e) {
            throw new FetchException("the artifact " + url + " does not exist on the agent's machine");
        }
    }

    private HttpClient client() {
        HttpClient c = http;
        if (c == null) {
            c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
                    .followRedirects(HttpClient.Redirect.NORMAL).build();
            http = c;
        }
        return c;
    }

    /** The URL's last path segment, reduced to characters safe in a file name; "artifact" if none is left. */
    static String fileName(String url) {
        String path = url;
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        int fragment = path.indexOf('#');
        if (fragment >= 0) {
            path = path.substring(0, fragment);
        }
        String last = path.substring(path.lastIndexOf('/') + 1);
        String safe = last.replaceAll("[^A-Za-z0-9._+-]", "_");
        return safe.isEmpty() || safe.chars().allMatch(ch -> ch == '.') ? "artifact" : safe;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
