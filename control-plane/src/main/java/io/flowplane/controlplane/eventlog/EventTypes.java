package io.flowplane.controlplane.eventlog;

import io.flowplane.controlplane.store.RunStateEvents;
import io.flowplane.controlplane.state.StateType;

import java.util.Set;
import java.util.TreeSet;

/** Every event type the control plane records; filters and triggers refuse any other. */
public final class EventTypes {
    public static final String RUN_PREFIX = RunStateEvents.PREFIX;
    public static final String RUN_LATE = RunStateEvents.LATE;
    public static final String DEPLOYMENT_CREATED = "deployment.created";
    public static final String DEPLOYMENT_UPDATED = "deployment.updated";
    public static final String DEPLOYMENT_PAUSED = "deployment.paused";
    public static final String DEPLOYMENT_RESUMED = "deployment.resumed";
    public static final String DEPLOYMENT_DELETED = "deployment.deleted";
    public static final String POOL_PAUSED = "work-pool.paused";
    public static final String POOL_RESUMED = "work-pool.resumed";
    public static final String AGENT_ONLINE = "agent.online";
    public static final String AGENT_OFFLINE = "agent.offline";
    public static final String BACKFILL_FINISHED = "backfill.finished";
    public static final String WEBHOOK_RECEIVED = "webhook.received";

    public static final Set<String> ALL;

    static {
        Set<String> all = new TreeSet<>(RunStateEvents.TYPES);
        all.addAll(Set.of(DEPLOYMENT_CREATED, DEPLOYMENT_UPDATED, DEPLOYMENT_PAUSED,
                DEPLOYMENT_RESUMED, DEPLOYMENT_DELETED, POOL_PAUSED, POOL_RESUMED, AGENT_ONLINE, AGENT_OFFLINE,
                BACKFILL_FINISHED, WEBHOOK_RECEIVED));
        ALL = Set.copyOf(all);
    }

    private EventTypes() {
    }

    public static String ofState(StateType type) {
        return RunStateEvents.type(type);
    }

    /** The event a history row is: Late has its own type (it keeps the SCHEDULED type). */
    public static String ofState(StateType type, String name) {
        return RunStateEvents.type(type, name);
    }

    /** A known type, or a family written with a trailing "*" ("flow-run.*") that matches at least one. */
    public static boolean known(String typeOrFamily) {
        if (typeOrFamily.endsWith("*")) {
            String prefix = typeOrFamily.substring(0, typeOrFamily.length() - 1);
            return ALL.stream().anyMatch(t -> t.startsWith(prefix));
        }
        return ALL.contains(typeOrFamily);
    }
}
