package io.flowplane.controlplane.audit;

import io.flowplane.controlplane.model.AuditEvent;
import io.flowplane.controlplane.auth.Caller;
import io.flowplane.controlplane.auth.Principal;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.Set;

/**
 * Opens the request's {@link Caller} slot (authentication fills it in) and, for a write method,
 * stores one audit event when the request has been answered. A failure to store is logged, never
 * turned into a failed request: the write itself already happened.
 */
public final class AuditFilter implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(AuditFilter.class);
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final AuditLog log;
    private final Clock clock;

    public AuditFilter(AuditLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        Caller.Slot slot = Caller.open();
        int status = 500;
        try {
            chain.doFilter(req, res);
            status = ((HttpServletResponse) res).getStatus();
        } finally {
            Caller.close();
            if (WRITES.contains(request.getMethod())) {
                audit(request, slot.principal(), status);
            }
        }
    }

    private void audit(HttpServletRequest request, Principal p, int status) {
        try {
            log.record(new AuditEvent(null, clock.instant(), p == null ? null : p.keyId(), p == null ? null : p.name(),
                    p == null ? null : p.role().label(), "rest", request.getMethod(), request.getRequestURI(), status,
                    AuditEvent.outcomeOf(status), request.getRemoteAddr()));
        } catch (RuntimeException e) {
            LOG.warn("could not store the audit event of {} {} ({})", request.getMethod(), request.getRequestURI(),
                    e.toString());
        }
    }
}
