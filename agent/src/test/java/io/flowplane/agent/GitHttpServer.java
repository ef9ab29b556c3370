package io.flowplane.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real git server over smart HTTP on loopback: the machine's {@code git http-backend} run as a
 * CGI program per request, behind HTTP basic authentication. Counts the fetches that transfer
 * objects (protocol v2 {@code command=fetch}), apart from ref listings, so a test can tell a
 * fetched commit from one served by the agent's cache.
 */
final class GitHttpServer implements AutoCloseable {
    private final HttpServer http;
    private final Path root;
    private final String expectedAuthorization;
    final AtomicInteger fetches = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();

    private GitHttpServer(Path root, String user, String password) throws IOException {
        this.root = root;
        this.expectedAuthorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", this::handle);
        http.start();
    }

    /** Serves the bare repositories under {@code root} at {@code url(name)}. */
    static GitHttpServer start(Path root, String user, String password) throws IOException {
        return new GitHttpServer(root, user, password);
    }

    String url(String repository) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/" + repository;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                refused.incrementAndGet();
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (new String(body, StandardCharsets.ISO_8859_1).contains("command=fetch")) {
                fetches.incrementAndGet();
            }
            cgi(exchange, body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs git http-backend with the CGI variables of this request and relays its answer. */
    private void cgi(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("git", "http-backend").redirectError(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> env = pb.environment();
        env.put("GIT_PROJECT_ROOT", root.toString());
        env.put("GIT_HTTP_EXPORT_ALL", "1");
        env.put("REQUEST_METHOD", exchange.getRequestMethod());
        env.put("PATH_INFO", exchange.getRequestURI().getPath());
        env.put("QUERY_STRING", exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery());
        env.put("CONTENT_TYPE", header(exchange, "Content-Type"));
        env.put("CONTENT_LENGTH", String.valueOf(body.length));
        env.put("GIT_PROTOCOL", header(exchange, "Git-Protocol"));
        env.put("REMOTE_USER", "reader");
        env.put("REMOTE_ADDR", "127.0.0.1");
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(body);
        }
        byte[] out;
        try (InputStream stdout = p.getInputStream()) {
            out = stdout.readAllBytes();
        }
        p.waitFor();
        int split = headerEnd(out);
        int status = 200;
        for (String line : new String(out, 0, split, StandardCharsets.ISO_8859_1).split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Status")) {
                status = Integer.parseInt(value.split(" ")[0]);
            } else {
                exchange.getResponseHeaders().add(name, value);
            }
        }
        int start = split + (out.length > split + 1 && out[split] == '\r' ? 4 : 2);
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        rest.write(out, Math.min(start, out.length), Math.max(0, out.length - start));
        exchange.sendResponseHeaders(status, rest.size() == 0 ? -1 : rest.size());
        if (rest.size() > 0) {
            exchange.getResponseBody().write(rest.toByteArray());
        }
    }

    private static String header(HttpExchange exchange, String name) {
        String v = exchange.getRequestHeaders().getFirst(name);
        return v == null ? "" : v;
    }

    /** Index of the blank line that ends the CGI headers (CRLF CRLF or LF LF). */
    private static int headerEnd(byte[] out) {
        for (int i = 0; i + 1 < out.length; i++) {
            if (out[i] == '\n' && out[i + 1] == '\n') {
                return i;
            }
            if (i + 3 < out.length && out[i] == '\r' && out[i + 1] == '\n' && out[i + 2] == '\r' && out[i + 3] == '\n') {
                return i;
            }
        }
        throw new IllegalStateException("git http-backend answered without headers: "
                + new String(out, StandardCharsets.ISO_8859_1));
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
