package io.flowplane.controlplane.api;

import io.dropwizard.core.setup.Environment;
import io.flowplane.controlplane.app.Services;
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
        jersey.register(new Authentication(s.apiKeys()));
        ErrorMappers.all().forEach(jersey::register);
        jersey.register(new WorkPoolResource(s.pools()));
        jersey.register(new DeploymentResource(s.deployments(), s.json()));
        jersey.register(new FlowRunResource(s.runs(), s.deployments(), s.watchers(), s.json(),
                new AdHocRuns(s.ledger(), s.clock(), s.json())));
        jersey.register(new AgentResource(s.agents(), s.json()));
        jersey.register(new ApiKeyResource(s.apiKeys()));
        jersey.register(new SchedulePreviewResource(s.clock()));
        jersey.register(new ScheduleResource(s.deployments(), s.clock()));
        jersey.register(new BackfillResource(s.deployments(), s.backfills()));
        jersey.register(new OpenApiResource());
        jersey.register(new EventResource(s.automations().reader(), s.json()));
        jersey.register(new AutomationResource(s.automations().automations(), s.json()));
        jersey.register(new NotificationTargetResource(s.automations().notifications()));
        jersey.register(new WebhookResource(s.automations().webhooks()));
        // What the web UI needs beyond the resources above: who the key is, aggregates, a change feed.
        RunChangeFeed changes = new RunChangeFeed();
        s.signals().subscribe(changes);
        jersey.register(new RunChangesResource(changes));
        jersey.register(new RunStatsResource(new RunStatsQueries(s.store()), s.deployments(), s.json(), s.clock()));
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
