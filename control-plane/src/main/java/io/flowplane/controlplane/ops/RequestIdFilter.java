package io.flowplane.controlplane.ops;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.MDC;

import java.io.IOException;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives every API request an id: the caller's {@code X-Request-Id} if it is a plain token, else a
 * new one. It is answered in the same header and is in the logging context (MDC
 * {@code requestId}) of every line the request logs, so one request's lines can be found.
 */
public final class RequestIdFilter implements Filter {
    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "requestId";
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        String given = ((HttpServletRequest) req).getHeader(HEADER);
        String id = given != null && PLAIN.matcher(given).matches() ? given : UUID.randomUUID().toString();
        ((HttpServletResponse) res).setHeader(HEADER, id);
        MDC.put(MDC_KEY, id);
        try {
            chain.doFilter(req, res);
        } finally {
            MDC.remove(MDC_KEY);
        }
    }
}
