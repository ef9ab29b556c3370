package io.flowplane.controlplane.api;

import io.dropwizard.core.setup.Environment;
import io.flowplane.controlplane.services.Services;
import io.flowplane.controlplane.runs.AdHocRuns;
import io.flowplane.controlplane.runs.RunChangeFeed;
import io.flowplane.controlplane.store.RunStatsQueries;


/** Registers the REST API on Jersey. */
public final class RestApi {
    private RestApi() {
    }

    public static void register(Environment env, Services s, long maxRequestBytes) {
        var jersey = env.jersey();
        jersey.register(new BodyLimit(maxRequestBytes));
        jersey.register(new Authentication(s.core().apiKeys()));
        ErrorMappers.all().forEach(jersey::register);
        jersey.register(new WorkPoolResource(s.resources().pools()));
        jersey.register(new DeploymentResource(s.resources().deployments(), s.core().json()));
        jersey.register(new FlowRunResource(s.resources().runs(), s.resources().deployments(), s.execution().watchers(), s.core().json(),
                new AdHocRuns(s.execution().ledger(), s.core().clock(), s.core().json())));
        jersey.register(new AgentResource(s.execution().agents(), s.core().json()));
        jersey.register(new ApiKeyResource(s.core().apiKeys()));
        jersey.register(new SchedulePreviewResource(s.core().clock()));
        jersey.register(new ScheduleResource(s.resources().deployments(), s.core().clock()));
        jersey.register(new BackfillResource(s.resources().deployments(), s.resources().backfills()));
        jersey.register(new OpenApiResource());
        jersey.register(new EventResource(s.background().automations().reader(), s.core().json()));
        jersey.register(new AutomationResource(s.background().automations().automations(), s.core().json()));
        jersey.register(new NotificationTargetResource(s.background().automations().notifications()));
        jersey.register(new WebhookResource(s.background().automations().webhooks()));
        // What the web UI needs beyond the resources above: who the key is, aggregates, a change feed.
        RunChangeFeed changes = new RunChangeFeed();
        s.core().signals().subscribe(changes);
        jersey.register(new RunChangesResource(changes));
        jersey.register(new RunStatsResource(new RunStatsQueries(s.core().store()), s.resources().deployments(), s.core().json(), s.core().clock()));
        jersey.register(new WhoAmIResource());
    }

    /**
     * Jetty's own rejections (bad URI, header too large, unknown method) as problem+json: on the
     * REST context, and on the server for what is refused before any context sees it. The server's
     * handler is swapped as the server starts, after Dropwizard has installed its HTML one.
     */
    public static void jettyErrorsAsProblems(Environment env) {
        env.getApplicationContext().setErrorHandler(new ProblemErrorHandler.InContext());
        env.lifecycle().addEventListener(new org.eclipse.jetty.util.component.LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(org.eclipse.jetty.util.component.LifeCycle event) {
                if (event instanceof org.eclipse.jetty.server.Server server) {
                    server.setErrorHandler(new ProblemErrorHandler());
                }
            }
        });
    }
}
