package io.flowplane.controlplane.docs;

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
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The interactive API reference at {@code /api/docs/}: Swagger UI from its WebJar, with a page and
 * an initializer of our own that load {@code /api/v1/openapi.yaml} with the tab's API key. Only
 * files; the document itself stays behind authentication like every other API call.
 */
public final class ApiDocs implements Filter {
    public static final String PATH = "/api/docs";
    /** Swagger UI sets inline styles; its scripts are all files from here. */
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9_.-]+\\.(js|css|png|html)");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "png", "image/png");

    private final String webjar;
    private final Map<String, Optional<byte[]>> cache = new ConcurrentHashMap<>();

    ApiDocs(String webjar) {
        this.webjar = webjar;
    }

    public static void register(Environment env) {
        env.servlets().addFilter("flowplane-api-docs", new ApiDocs("META-INF/resources/webjars/swagger-ui/" + version() + "/"))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, PATH, PATH + "/*");
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!path.equals(PATH) && !path.startsWith(PATH + "/")) {
            chain.doFilter(req, res);
            return;
        }
        response.setHeader("Content-Security-Policy", POLICY);
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            response.setHeader("Allow", "GET, HEAD");
            response.sendError(405);
            return;
        }
        if (path.equals(PATH)) {
            response.sendRedirect(PATH + "/");
            return;
        }
        String name = path.substring(PATH.length() + 1);
        name = name.isEmpty() ? "index.html" : name;
        Optional<byte[]> file = FILE.matcher(name).matches() ? cache.computeIfAbsent(name, this::load) : Optional.empty();
        if (file.isEmpty()) {
            response.sendError(404);
            return;
        }
        response.setHeader("Cache-Control", "no-cache");
        response.setContentType(TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
        response.setContentLength(file.get().length);
        if (request.getMethod().equals("GET")) {
            response.getOutputStream().write(file.get());
        }
    }

    /** Our own page and initializer first, then Swagger UI's files. */
    private Optional<byte[]> load(String name) {
        Optional<byte[]> own = read("api-docs/" + name);
        return own.isPresent() || name.equals("index.html") ? own : read(webjar + name);
    }

    private static Optional<byte[]> read(String resource) {
        try (InputStream in = ApiDocs.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String version() {
        Properties p = new Properties();
        try (InputStream in = ApiDocs.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the swagger-ui WebJar is not on the classpath");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version");
    }
}
