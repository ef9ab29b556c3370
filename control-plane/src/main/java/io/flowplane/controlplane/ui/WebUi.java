package io.flowplane.controlplane.ui;

import io.dropwizard.core.setup.Environment;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Serves the web UI (plain ES modules and CSS under {@code /ui/} in this jar, the page itself at
 * {@code /}) on the REST port, in front of Jersey, and sets the browser-security headers on every
 * answer of that port. The UI is only files: everything it shows and does goes through the public
 * REST API with the key the user typed, so it can do nothing the API would refuse.
 */
public final class WebUi implements Filter {
    /**
     * No inline script or style, nothing from another origin, no framing. Styles set from script
     * through the CSSOM (bar widths) are not inline styles and stay allowed.
     */
    static final String UI_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    /** API answers are data, never a document to render. */
    static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'";
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*\\.[a-z0-9]+");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "png", "image/png",
            "json", "application/json");

    private final UiFiles files;

    WebUi(UiFiles files) {
        this.files = files;
    }

    /** Puts the UI in front of every other handler of the application port. */
    public static void register(Environment env) {
        env.servlets().addFilter("flowplane-web-ui", new WebUi(new UiFiles("ui/")))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        String path = request.getRequestURI().substring(request.getContextPath().length());
        Optional<String> file = uiFile(path);
        if (file.isEmpty()) {
            response.setHeader("Content-Security-Policy", API_POLICY);
            chain.doFilter(req, res);
            return;
        }
        response.setHeader("Content-Security-Policy", UI_POLICY);
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            response.setHeader("Allow", "GET, HEAD");
            response.sendError(405);
            return;
        }
        Optional<UiFiles.Entry> entry = files.get(file.get());
        if (entry.isEmpty()) {
            response.sendError(404);
            return;
        }
        UiFiles.Entry e = entry.get();
        // Re-validated on every load (cheap: an ETag match answers 304), so an upgraded server
        // never leaves an old module graph in a browser's cache.
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("ETag", e.etag());
        if (e.etag().equals(request.getHeader("If-None-Match"))) {
            response.setStatus(304);
            return;
        }
        String ext = file.get().substring(file.get().lastIndexOf('.') + 1);
        response.setContentType(TYPES.getOrDefault(ext, "application/octet-stream"));
        response.setContentLength(e.bytes().length);
        if (request.getMethod().equals("GET")) {
            response.getOutputStream().write(e.bytes());
        }
    }

    /** The UI file a path names: the page for {@code /}, files under {@code /ui/}; empty for everything else (the API). */
    static Optional<String> uiFile(String path) {
        if (path.equals("/") || path.equals("/index.html")) {
            return Optional.of("index.html");
        }
        if (path.startsWith("/ui/")) {
            String rest = path.substring(4);
            return Optional.of(FILE.matcher(rest).matches() ? rest : "");
        }
        return Optional.empty();
    }
}
