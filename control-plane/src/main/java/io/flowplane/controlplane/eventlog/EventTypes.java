package io.flowplane.controlplane.eventlog;

import io.flowplane.controlplane.state.StateName;
import io.flowplane.controlplane.state.StateType;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** Every event type the control plane records; filters and triggers refuse any other. */
public final class EventTypes {
    public static final String RUN_PREFIX = "flow-run.";
    public static final String RUN_LATE = "flow-run.late";
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
        Set<String> all = new TreeSet<>(Set.of(RUN_LATE, DEPLOYMENT_CREATED, DEPLOYMENT_UPDATED, DEPLOYMENT_PAUSED,
                DEPLOYMENT_RESUMED, DEPLOYMENT_DELETED, POOL_PAUSED, POOL_RESUMED, AGENT_ONLINE, AGENT_OFFLINE,
                BACKFILL_FINISHED, WEBHOOK_RECEIVED));
        Arrays.stream(StateType.values()).forEach(t -> all.add(ofState(t)));
        ALL = Set.copyOf(all);
    }

    private EventTypes() {
    }

    public static String ofState(StateType type) {
        return RUN_PREFIX + type.name().toLowerCase(Locale.ROOT);
    }

    /** The event a history row is: Late has its own type (it keeps the SCHEDULED type). */
    public static String ofState(StateType type, String name) {
        return StateName.LATE.label().equals(name) ? RUN_LATE : ofState(type);
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
