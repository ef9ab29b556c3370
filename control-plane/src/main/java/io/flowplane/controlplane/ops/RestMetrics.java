package io.flowplane.controlplane.ops;

import org.glassfish.jersey.server.ContainerResponse;
import org.glassfish.jersey.server.monitoring.ApplicationEvent;
import org.glassfish.jersey.server.monitoring.ApplicationEventListener;
import org.glassfish.jersey.server.monitoring.RequestEvent;
import org.glassfish.jersey.server.monitoring.RequestEventListener;
import org.glassfish.jersey.uri.UriTemplate;

import java.time.Duration;
import java.util.List;

/**
 * Times every REST request by its route template ({@code /api/v1/flow-runs/{id}}, never the
 * concrete path: ids would make a label per run), method and final status. Requests no
 * resource matched share the route {@code unmatched}.
 */
public final class RestMetrics implements ApplicationEventListener {
    private final OpsMetrics metrics;

    public RestMetrics(OpsMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void onEvent(ApplicationEvent event) {
    }

    @Override
    public RequestEventListener onRequest(RequestEvent start) {
        long started = System.nanoTime();
        return event -> {
            if (event.getType() == RequestEvent.Type.FINISHED) {
                ContainerResponse response = event.getContainerResponse();
                int status = response == null ? 500 : response.getStatus();
                metrics.rest(route(event.getUriInfo().getMatchedTemplates()), event.getContainerRequest().getMethod(),
                        status, Duration.ofNanos(System.nanoTime() - started));
            }
        };
    }

    /** Jersey lists the matched templates innermost first. */
    static String route(List<UriTemplate> templates) {
        if (templates == null || templates.isEmpty()) {
            return "unmatched";
        }
        StringBuilder b = new StringBuilder();
        for (int i = templates.size() - 1; i >= 0; i--) {
            String t = templates.get(i).getTemplate();
            if (t.isEmpty() || t.equals("/")) {
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) == '/' && t.startsWith("/")) {
                t = t.substring(1);
            } else if ((b.length() == 0 || b.charAt(b.length() - 1) != '/') && !t.startsWith("/")) {
                b.append('/');
            }
            b.append(t);
        }
        return b.length() == 0 ? "/" : b.toString();
    }
}
