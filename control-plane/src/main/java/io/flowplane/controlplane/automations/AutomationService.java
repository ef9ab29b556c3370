package io.flowplane.controlplane.automations;

import io.flowplane.controlplane.common.ConflictException;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.common.NotFoundException;
import io.flowplane.controlplane.common.Validator;
import io.flowplane.controlplane.deployments.DeploymentService;
import io.flowplane.controlplane.model.Automation;
import io.flowplane.controlplane.model.AutomationAction;
import io.flowplane.controlplane.pools.WorkPoolService;
import io.flowplane.controlplane.store.AutomationDao;
import io.flowplane.controlplane.store.NotificationDao;
import io.flowplane.controlplane.store.RowIds;
import io.flowplane.controlplane.store.Store;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Automations: create, read, replace, enable/disable, delete, and how their firings and actions went. */
public final class AutomationService {
    private final Store store;
    private final Clock clock;
    private final Json json;
    private final DeploymentService deployments;
    private final WorkPoolService pools;

    AutomationService(Store store, Clock clock, Json json, DeploymentService deployments, WorkPoolService pools) {
        this.store = store;
        this.clock = clock;
        this.json = json;
        this.deployments = deployments;
        this.pools = pools;
    }

    /** How an automation's firings went: visible when its actions keep failing. */
    public record Health(long firings, Instant lastFiredAt, long pendingActions, long failedActions, String lastError) {
    }

    public Automation create(AutomationSpec spec) {
        validate(spec);
        Instant now = clock.instant();
        Automation a = new Automation(RowIds.next(), spec.name(), spec.isEnabled(), json.canonical(spec), now, now, now);
        store.useTransaction(unit -> {
            AutomationDao dao = unit.handle().attach(AutomationDao.class);
            if (dao.findByName(spec.name()).isPresent()) {
                throw new ConflictException("an automation named '" + spec.name() + "' exists; replace it with PUT");
            }
            dao.insert(a);
        });
        return a;
    }

    /** Replaces the definition (the name stays); enabling it anew restarts an absence window. */
    public Automation replace(String ref, AutomationSpec spec) {
        Automation old = get(ref);
        AutomationSpec named = new AutomationSpec(spec.name() == null ? old.name() : spec.name(), spec.description(),
                spec.enabled(), spec.trigger(), spec.actions());
        new Validator().check(named.name().equals(old.name()), "name", "cannot be changed (it is '" + old.name() + "')")
                .throwIfInvalid();
        validate(named);
        Instant now = clock.instant();
        boolean enabled = named.enabled() == null ? old.enabled() : named.enabled();
        Automation next = new Automation(old.id(), old.name(), enabled, json.canonical(named), old.createdAt(), now,
                enabled && !old.enabled() ? now : old.enabledAt());
        store.useTransaction(unit -> unit.handle().attach(AutomationDao.class).update(next));
        return next;
    }

    /** Enables or disables; enabling restarts an absence trigger's window at now. */
    public Automation setEnabled(String ref, boolean enabled) {
        Automation a = get(ref);
        if (a.enabled() == enabled) {
            return a;
        }
        Instant now = clock.instant();
        AutomationSpec spec = spec(a);
        AutomationSpec changed = new AutomationSpec(spec.name(), spec.description(), enabled, spec.trigger(),
                spec.actions());
        Automation next = new Automation(a.id(), a.name(), enabled, json.canonical(changed), a.createdAt(), now,
                enabled ? now : a.enabledAt());
        store.useTransaction(unit -> unit.handle().attach(AutomationDao.class).update(next));
        return next;
    }

    public void delete(String ref) {
        Automation a = get(ref);
        store.useTransaction(unit -> unit.handle().attach(AutomationDao.class).delete(a.id()));
    }

    public Automation get(String ref) {
        return store.withDao(AutomationDao.class,
                        dao -> Notifier.asUuid(ref).flatMap(dao::find).or(() -> dao.findByName(ref)))
                .orElseThrow(() -> new NotFoundException("automation", ref));
    }

    public List<Automation> list() {
        return store.withDao(AutomationDao.class, AutomationDao::list);
    }

    public AutomationSpec spec(Automation a) {
        return json.read(a.spec(), AutomationSpec.class);
    }

    public Health health(Automation a) {
        return store.withDao(AutomationDao.class, d -> {
            List<AutomationAction> recent = d.recentActions(a.id(), 20);
            String lastError = recent.stream().filter(x -> x.lastError() != null).findFirst()
                    .map(AutomationAction::lastError).orElse(null);
            return new Health(d.firingCount(a.id()), d.lastFiredAt(a.id()).orElse(null),
                    d.countActions(a.id(), AutomationAction.PENDING), d.countActions(a.id(), AutomationAction.FAILED),
                    lastError);
        });
    }

    public List<AutomationAction> actions(Automation a, int limit) {
        return store.withDao(AutomationDao.class, d -> d.recentActions(a.id(), limit));
    }

    private void validate(AutomationSpec spec) {
        Validator v = new Validator();
        spec.validate(v);
        v.throwIfInvalid();
        // References that name no object now would fail at every firing: refuse them up front.
        List<AutomationSpec.Action> actions = spec.actions();
        for (int i = 0; i < actions.size(); i++) {
            AutomationSpec.Action a = actions.get(i);
            String path = "actions[" + i + "]";
            if (a.deployment() != null && !a.deployment().contains("{{")) {
                v.check(exists(() -> deployments.get(a.deployment())), path + ".deployment",
                        "no deployment named '" + a.deployment() + "'");
            }
            if (a.workPool() != null && !a.workPool().contains("{{")) {
                v.check(exists(() -> pools.get(a.workPool())), path + ".workPool",
                        "no work pool named '" + a.workPool() + "'");
            }
            if (a.target() != null) {
                Optional<?> target = store.withDao(NotificationDao.class, d -> d.targetByName(a.target())
                        .or(() -> Notifier.asUuid(a.target()).flatMap(d::target)));
                v.check(target.isPresent(), path + ".target", "no notification target named '" + a.target()
                        + "': create it first (POST /api/v1/notification-targets)");
            }
        }
        v.throwIfInvalid();
    }

    private static boolean exists(Runnable lookup) {
        try {
            lookup.run();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    static Optional<UUID> asUuid(String ref) {
        return Notifier.asUuid(ref);
    }
}
