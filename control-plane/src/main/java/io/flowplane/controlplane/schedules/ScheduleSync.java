package io.flowplane.controlplane.schedules;

import io.flowplane.controlplane.specs.ScheduleSpec;
import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.specs.DeploymentSpec;
import io.flowplane.controlplane.model.Deployment;
import io.flowplane.controlplane.model.Schedule;
import io.flowplane.controlplane.ledger.RunLedger;
import io.flowplane.controlplane.store.ScheduleDao;
import io.flowplane.controlplane.store.UnitOfWork;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Keeps a deployment's schedule rows in step with its definition and pause state, inside the
 * upsert's transaction. A schedule whose runs would now look different (its own definition, or
 * the deployment fields copied into runs) loses its future unstarted runs, which are then
 * materialised again from now in the same transaction: no duplicate, no gap. Pausing removes
 * future runs and remembers where it stopped, so resuming applies the catch-up policy to what
 * was missed meanwhile.
 */
public final class ScheduleSync {
    private final Json json;
    private final Materializer materializer;
    private final RunLedger ledger;

    public ScheduleSync(Json json, Materializer materializer, RunLedger ledger) {
        this.json = json;
        this.materializer = materializer;
        this.ledger = ledger;
    }

    /** Syncs and materialises; returns the pools that got runs (the ledger signals them after commit). */
    public Set<UUID> apply(UnitOfWork unit, Deployment d, DeploymentSpec normalized, Instant now) {
        ScheduleDao dao = unit.handle().attach(ScheduleDao.class);
        Map<String, Schedule> existing = new HashMap<>();
        dao.lockOfDeployment(d.id()).forEach(s -> existing.put(s.name(), s));
        List<Schedule> changed = new ArrayList<>();
        for (ScheduleSpec spec : normalized.scheduling().schedules()) {
            boolean enabled = spec.activeOrDefault() && !d.paused();
            String fingerprint = fingerprint(normalized, spec);
            Schedule row = existing.remove(spec.name());
            if (row == null) {
                Schedule created = new Schedule(UUID.randomUUID(), d.id(), spec.name(), json.canonical(spec),
                        fingerprint, enabled, now, enabled ? now : null, now, now);
                dao.insert(created);
                changed.add(created);
                continue;
            }
            boolean redefined = !row.fingerprint().equals(fingerprint);
            if (!redefined && row.active() == enabled) {
                continue;
            }
            Instant cursor = row.cursorAt();
            if (redefined || !enabled) {
                ledger.dropUnstarted(unit, row.id(), now);
                cursor = cursor.isAfter(now) ? now : cursor;
            }
            Schedule updated = new Schedule(row.id(), d.id(), spec.name(), json.canonical(spec), fingerprint, enabled,
                    cursor, enabled ? now : null, row.createdAt(), now);
            dao.update(updated);
            changed.add(updated);
        }
        for (Schedule gone : existing.values()) {
            ledger.dropUnstarted(unit, gone.id(), now);
            dao.delete(gone.id());
        }
        return materializer.materialize(unit, changed.stream().filter(s -> s.nextCheckAt() != null).toList(), now);
    }

    /** Everything a materialised run copies: the schedule, and the deployment fields a run is built from. */
    private String fingerprint(DeploymentSpec d, ScheduleSpec s) {
        DeploymentSpec runShape = new DeploymentSpec(d.name(), d.flowName(), null, d.tags(),
                new DeploymentSpec.Placement(d.placement().workPool(), d.placement().workQueue(), null, null),
                new DeploymentSpec.Program(null, null, d.program().parameters(), null), d.policy(),
                new DeploymentSpec.Scheduling(List.of(s), null, null, d.scheduling().maxLatenessSeconds()), null);
        return Json.sha256(json.canonical(runShape));
    }
}
