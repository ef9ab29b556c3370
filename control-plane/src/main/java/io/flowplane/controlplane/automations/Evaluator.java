package io.flowplane.controlplane.automations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.model.Automation;
import io.flowplane.controlplane.model.AutomationAction;
import io.flowplane.controlplane.model.EventEntry;
import io.flowplane.controlplane.store.AutomationDao;
import io.flowplane.controlplane.store.EventQueries;
import io.flowplane.controlplane.store.RowIds;
import io.flowplane.controlplane.store.Store;
import io.flowplane.controlplane.store.UnitOfWork;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads the event log after its durable cursor and records the firings of the automations the
 * events trigger, with their actions (the outbox), in the same transaction that moves the cursor:
 * each event is evaluated exactly once, across restarts, and a firing exists exactly when its
 * actions do. Runs off the hot path, after the commits that wrote events. Absence triggers are
 * checked by {@link #checkAbsence()} against the injected clock.
 */
public final class Evaluator {
    private static final String CURSOR = "evaluator";
    private static final int BATCH = 200;
    /**
     * Event ids are handed out at insert and become visible at commit, so a lower id can appear
     * after a higher one. The cursor never passes a missing id until it has been missing this long
     * (then it was rolled back). Real elapsed time, not the injected clock: it is about commit
     * visibility, not scheduling.
     */
    private static final long GAP_PATIENCE_NANOS = Duration.ofSeconds(2).toNanos();

    private final Store store;
    private final Clock clock;
    private final Json json;
    private final Map<Long, Long> gapsSeen = new HashMap<>();
    private volatile boolean stalled;
    private volatile boolean idle;

    Evaluator(Store store, Clock clock, Json json) {
        this.store = store;
        this.clock = clock;
        this.json = json;
    }

    /** Evaluates every event committed since the last pass; returns how many firings it recorded. */
    public synchronized int evaluate() {
        int fired = 0;
        while (true) {
            int[] pass = store.inTransaction(this::pass);
            fired += pass[1];
            if (pass[0] < BATCH || stalled) {
                return fired;
            }
        }
    }

    /** True when the last pass found no enabled event automation (nothing to evaluate events for). */
    public boolean idle() {
        return idle;
    }

    /** True when the last pass stopped before a missing event id (call again shortly). */
    public boolean stalled() {
        return stalled;
    }

    /** {events read, firings}. */
    private int[] pass(UnitOfWork unit) {
        AutomationDao dao = unit.handle().attach(AutomationDao.class);
        long position = dao.lockCursor(CURSOR);
        List<Loaded> automations = loaded(dao, AutomationSpec.EVENT);
        stalled = false;
        idle = automations.isEmpty();
        if (automations.isEmpty()) {
            // Nothing to match: skip to the end instead of reading every event (an automation
            // created later starts from the events after its creation anyway).
            long end = EventQueries.maxId(unit.handle());
            if (end > position) {
                dao.moveCursor(CURSOR, end);
            }
            return new int[]{0, 0};
        }
        List<EventEntry> events = EventQueries.after(unit.handle(), position, BATCH);
        long last = position;
        int read = 0;
        int fired = 0;
        for (EventEntry e : events) {
            if (e.id() != last + 1 && !gapExpired(last + 1)) {
                stalled = true;
                break;
            }
            gapsSeen.clear();
            read++;
            last = e.id();
            EventMatch.Seen seen = seen(e);
            for (Loaded a : automations) {
                // An event from before the automation was enabled never fires it, however late
                // the cursor reads it (passes while nothing was enabled may have been deferred).
                if (a.row().enabledAt() != null && e.occurredAt().isBefore(a.row().enabledAt())) {
                    continue;
                }
                if (EventMatch.matches(a.spec().trigger().match(), seen) && thresholdReached(unit, dao, a, seen)) {
                    fired += fire(unit, dao, a, "event:" + e.id(), e.id(), clock.instant(),
                            e.type() + " of " + e.resourceKind() + " " + name(e), seen) ? 1 : 0;
                }
            }
        }
        if (last != position) {
            dao.moveCursor(CURSOR, last);
        }
        return new int[]{read, fired};
    }

    /**
     * Fires absence triggers whose window passed without a matching event: once per window, the
     * next window starting at the firing. Serialised with {@link #evaluate} by the cursor's lock.
     */
    public synchronized int checkAbsence() {
        return store.inTransaction(unit -> {
            AutomationDao dao = unit.handle().attach(AutomationDao.class);
            dao.lockCursor(CURSOR);
            Instant now = clock.instant();
            int fired = 0;
            for (Loaded a : loaded(dao, AutomationSpec.ABSENCE)) {
                AutomationSpec.Trigger t = a.spec().trigger();
                Instant reference = a.row().enabledAt();
                Instant lastFiring = dao.lastAbsenceDeadline(a.row().id()).orElse(null);
                if (lastFiring != null && lastFiring.isAfter(reference)) {
                    reference = lastFiring;
                }
                for (EventEntry e : EventQueries.ofTypesSince(unit.handle(), EventMatch.expand(t.match().types()),
                        reference, Long.MAX_VALUE)) {
                    if (e.occurredAt().isAfter(reference) && EventMatch.matches(t.match(), seen(e))) {
                        reference = e.occurredAt();
                    }
                }
                Instant deadline = reference.plusMillis(Math.round(t.withinSeconds() * 1000));
                if (!now.isBefore(deadline)) {
                    String reason = "no " + String.join(" or ", t.match().types()) + " matching '" + a.row().name()
                            + "' within " + Duration.ofMillis(Math.round(t.withinSeconds() * 1000)) + " (since "
                            + reference + ")";
                    fired += fire(unit, dao, a, "absence:" + deadline.toEpochMilli(), null, now, reason, null) ? 1 : 0;
                }
            }
            return fired;
        });
    }

    private boolean thresholdReached(UnitOfWork unit, AutomationDao dao, Loaded a, EventMatch.Seen seen) {
        AutomationSpec.Trigger t = a.spec().trigger();
        if (t.threshold() == null || t.threshold() <= 1) {
            return true;
        }
        long after = dao.lastFiringEvent(a.row().id());
        Instant since = seen.entry().occurredAt().minusMillis(Math.round(t.withinSeconds() * 1000));
        long count = EventQueries.ofTypesSince(unit.handle(), EventMatch.expand(t.match().types()), since,
                        seen.entry().id()).stream()
                .filter(e -> e.id() > after && !e.occurredAt().isBefore(since))
                .filter(e -> EventMatch.matches(t.match(), seen(e))).count();
        return count >= t.threshold();
    }

    private boolean fire(UnitOfWork unit, AutomationDao dao, Loaded a, String key, Long eventId, Instant at,
                         String reason, EventMatch.Seen seen) {
        if (dao.countFirings(a.row().id(), key) > 0) {
            return false;
        }
        UUID firingId = RowIds.next();
        Map<String, String> context = FiringContext.of(a.row(), firingId, reason, seen);
        dao.insertFiring(firingId, a.row().id(), key, eventId, at, json.write(context));
        List<AutomationAction> actions = new ArrayList<>();
        List<AutomationSpec.Action> specs = a.spec().actions();
        for (int i = 0; i < specs.size(); i++) {
            ObjectNode rendered = render(specs.get(i), context);
            if (eventId != null) {
                rendered.put("eventId", eventId);
            }
            rendered.set("context", json.mapper().valueToTree(context));
            actions.add(new AutomationAction(RowIds.next(), firingId, a.row().id(), i, json.write(rendered),
                    AutomationAction.PENDING, 0, at, null, null, at));
        }
        dao.insertActions(actions);
        return true;
    }

    /** The action with every template rendered against the firing's context. */
    private ObjectNode render(AutomationSpec.Action action, Map<String, String> context) {
        ObjectNode node = json.mapper().valueToTree(action);
        for (String field : List.of("deployment", "workPool", "run", "target", "message")) {
            if (node.path(field).isTextual()) {
                node.put(field, Templates.render(node.get(field).asText(), context));
            }
        }
        if (node.path("parameters").isObject()) {
            ObjectNode params = (ObjectNode) node.get("parameters");
            for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                if (p.getValue().isTextual()) {
                    p.setValue(json.mapper().getNodeFactory().textNode(Templates.render(p.getValue().asText(), context)));
                }
            }
        }
        return node;
    }

    private boolean gapExpired(long missingId) {
        long now = System.nanoTime();
        Long first = gapsSeen.putIfAbsent(missingId, now);
        return first != null && now - first > GAP_PATIENCE_NANOS;
    }

    private EventMatch.Seen seen(EventEntry e) {
        return new EventMatch.Seen(e, json.tree(e.payload()), Arrays.asList(json.read(e.tags(), String[].class)));
    }

    private static String name(EventEntry e) {
        return e.resourceName() == null ? e.resourceId() : e.resourceName();
    }

    record Loaded(Automation row, AutomationSpec spec) {
    }

    private List<Loaded> loaded(AutomationDao dao, String triggerType) {
        List<Loaded> out = new ArrayList<>();
        for (Automation a : dao.enabled()) {
            AutomationSpec spec = json.read(a.spec(), AutomationSpec.class);
            String type = spec.trigger().type() == null ? AutomationSpec.EVENT : spec.trigger().type();
            if (type.equals(triggerType)) {
                out.add(new Loaded(a, spec));
            }
        }
        return out;
    }
}
