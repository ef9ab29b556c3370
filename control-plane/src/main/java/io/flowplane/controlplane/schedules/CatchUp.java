package io.flowplane.controlplane.schedules;

import io.flowplane.controlplane.common.Json;
import io.flowplane.controlplane.specs.DeploymentSpec;
import io.flowplane.controlplane.specs.DeploymentSpec.Catchup;
import io.flowplane.controlplane.model.Deployment;
import io.flowplane.controlplane.model.Schedule;
import io.flowplane.controlplane.ledger.RunLedger;
import io.flowplane.controlplane.ledger.StateChange;
import io.flowplane.controlplane.state.Actor;
import io.flowplane.controlplane.state.StateName;
import io.flowplane.controlplane.state.StateType;
import io.flowplane.controlplane.store.DeploymentDao;
import io.flowplane.controlplane.store.FlowRunDao;
import io.flowplane.controlplane.store.FlowRunDao.DueRun;
import io.flowplane.controlplane.store.ScheduleDao;
import io.flowplane.controlplane.store.Store;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Applies a deployment's catch-up policy to runs that exist but did not start in time (the
 * control plane was down, or no agent took them). A run counts as missed once it is Late; of a
 * schedule's due runs, {@code latest} keeps the most recent, {@code all} the most recent
 * {@code catchupMaxRuns}, {@code none} none of the Late ones. The others end Cancelled with a
 * "skipped" message instead of all firing at once when an agent returns.
 */
final class CatchUp {
    private final Store store;
    private final Json json;
    private final RunLedger ledger;

    CatchUp(Store store, Json json, RunLedger ledger) {
        this.store = store;
        this.json = json;
        this.ledger = ledger;
    }

    /** Returns how many runs it skipped. */
    int apply(Instant now) {
        // One scan of the due range (the backlog), not a probe per schedule: a schedule counts
        // when one of its due first attempts is Late.
        List<DueRun> due = store.withDao(FlowRunDao.class, d -> d.dueScheduledFirstAttempts(now));
        Map<UUID, List<DueRun>> bySchedule = due.stream().collect(Collectors.groupingBy(DueRun::scheduleId));
        bySchedule.values().removeIf(runs -> runs.stream().noneMatch(r -> StateName.LATE.label().equals(r.stateName())));
        if (bySchedule.isEmpty()) {
            return 0;
        }
        List<UUID> scheduleIds = List.copyOf(bySchedule.keySet());
        Map<UUID, DeploymentSpec> specs = specs(scheduleIds);
        Map<UUID, String> skips = new java.util.HashMap<>();
        for (Map.Entry<UUID, List<DueRun>> e : bySchedule.entrySet()) {
            DeploymentSpec spec = specs.get(e.getKey());
            Catchup policy = spec == null ? Catchup.LATEST : spec.scheduling().catchupPolicy();
            int keep = switch (policy) {
                case NONE -> 0;
                case LATEST -> 1;
                case ALL -> Materializer.catchupMax(spec);
            };
            List<DueRun> newestFirst = e.getValue().stream()
                    .sorted(Comparator.comparing(DueRun::scheduledAt).reversed()).toList();
            for (int i = keep; i < newestFirst.size(); i++) {
                DueRun run = newestFirst.get(i);
                if (StateName.LATE.label().equals(run.stateName())) {
                    skips.put(run.id(), message(policy, run, newestFirst.get(0)));
                }
            }
        }
        return ledger.transitionAll(List.copyOf(skips.keySet()), run -> run.state().type() == StateType.SCHEDULED
                && run.attempt() == 1 ? new StateChange(StateType.CANCELLED, null, skips.get(run.id()), Actor.SERVER, null)
                : null).size();
    }

    private static String message(Catchup policy, DueRun run, DueRun newest) {
        return switch (policy) {
            case NONE -> "skipped: missed (catch-up policy 'none' runs no missed instant)";
            case LATEST -> "skipped: missed (catch-up policy 'latest' runs only the most recent, " + newest.scheduledAt() + ")";
            case ALL -> "skipped: missed (catch-up policy 'all' runs at most catchupMaxRuns missed instants)";
        };
    }

    /** The deployment spec of each schedule. */
    private Map<UUID, DeploymentSpec> specs(List<UUID> scheduleIds) {
        // Two reads, no transaction: a deployment deleted in between only leaves its schedules out.
        List<Schedule> schedules = store.withDao(ScheduleDao.class, dao -> dao.findAll(scheduleIds));
        if (schedules.isEmpty()) {
            return Map.of();
        }
        Map<UUID, Deployment> deployments = store.withDao(DeploymentDao.class, dao -> dao.findAll(schedules.stream()
                        .map(Schedule::deploymentId).collect(Collectors.toSet()))).stream()
                .collect(Collectors.toMap(Deployment::id, Function.identity()));
        return schedules.stream().filter(s -> deployments.containsKey(s.deploymentId()))
                .collect(Collectors.toMap(Schedule::id,
                        s -> json.read(deployments.get(s.deploymentId()).spec(), DeploymentSpec.class)));
    }
}
