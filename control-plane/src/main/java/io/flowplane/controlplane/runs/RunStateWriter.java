package io.flowplane.controlplane.runs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowplane.controlplane.common.NotFoundException;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.state.RetryPolicy;
import io.flowplane.controlplane.store.FlowRunDao;
import io.flowplane.controlplane.store.RunRows;
import io.flowplane.controlplane.store.Store;
import org.jdbi.v3.core.Handle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The one way a user or the server changes a run's state: lock the run, decide the change from
 * what is stored, apply it through the state machine, persist — in one transaction.
 */
public final class RunStateWriter {
    private final Store store;
    private final Clock clock;
    private final Signals signals;
    private final ObjectMapper json;
    private final java.util.Map<String, RetryPolicy> policies = new java.util.concurrent.ConcurrentHashMap<>();

    public RunStateWriter(Store store, Clock clock, Signals signals, ObjectMapper json) {
        this.store = store;
        this.clock = clock;
        this.signals = signals;
        this.json = json;
    }

    /**
     * Transitions the run to what {@code decide} returns for its current state (null: no change).
     *
     * @throws io.flowplane.controlplane.common.NotFoundException if there is no such run
     * @throws io.flowplane.controlplane.state.IllegalTransitionException if the table forbids it
     */
    public FlowRun transition(UUID runId, Function<FlowRun, StateChange> decide) {
        FlowRun after = store.jdbi().inTransaction(h -> transition(h, runId, decide));
        signals.runUpdated(runId);
        signals.poolChanged(after.poolId());
        if (after.stateType() == io.flowplane.controlplane.state.StateType.CANCELLING) {
            signals.cancelRequested(runId, after.agentId());
        }
        return after;
    }

    /**
     * {@link #transition} for many runs at once, for the server's own bulk changes (catch-up and
     * lateness skips): the runs are locked, decided and written in one transaction per chunk of
     * 500 instead of one each, which had made a burst of missed instants thousands of commits
     * competing with dispatch. {@code decide} must not return idempotency keys. Returns the runs
     * that changed.
     */
    public List<FlowRun> transitionAll(List<UUID> runIds, Function<FlowRun, StateChange> decide) {
        List<FlowRun> changed = new java.util.ArrayList<>();
        List<UUID> sorted = runIds.stream().distinct().sorted().toList();
        for (int from = 0; from < sorted.size(); from += 500) {
            List<UUID> chunk = sorted.subList(from, Math.min(sorted.size(), from + 500));
            changed.addAll(store.jdbi().inTransaction(h -> {
                List<FlowRun> after = new java.util.ArrayList<>();
                List<io.flowplane.controlplane.model.RunStateRecord> records = new java.util.ArrayList<>();
                java.time.Instant now = clock.instant();
                for (FlowRun run : FlowRunDao.lockAllOn(h, chunk)) {
                    StateChange change = decide.apply(run);
                    if (change == null) {
                        continue;
                    }
                    if (change.idempotencyKey() != null) {
                        throw new IllegalArgumentException("bulk transitions take no idempotency keys");
                    }
                    RunTransitions.Outcome outcome = RunTransitions.apply(run, change, retryPolicy(run), now);
                    after.add(outcome.run());
                    records.addAll(outcome.records());
                }
                RunRows.updateRuns(h, after);
                RunRows.insertStates(h, records);
                return after;
            }));
        }
        changed.forEach(r -> signals.runUpdated(r.id()));
        changed.stream().map(FlowRun::poolId).filter(java.util.Objects::nonNull).distinct().forEach(signals::poolChanged);
        return changed;
    }

    /** The same inside a caller's transaction; the caller sends the signals after commit. */
    public FlowRun transition(Handle h, UUID runId, Function<FlowRun, StateChange> decide) {
        FlowRunDao runs = h.attach(FlowRunDao.class);
        FlowRun run = runs.lock(runId).orElseThrow(() -> new NotFoundException("flow run", runId));
        StateChange change = decide.apply(run);
        if (change == null) {
            return run;
        }
        if (change.idempotencyKey() != null && runs.countIdempotencyKey(runId, change.idempotencyKey()) > 0) {
            return run;
        }
        RunTransitions.Outcome outcome = RunTransitions.apply(run, change, retryPolicy(run), clock.instant());
        runs.update(outcome.run());
        runs.insertStates(outcome.records());
        return outcome.run();
    }

    /** The retry rule a run was created with (deployment edits do not change runs in flight). */
    public RetryPolicy retryPolicy(FlowRun run) {
        // Every reported state asks for it; runs of one deployment share the same few strings.
        String key = run.retryDelays() + "|" + run.maxRetries();
        RetryPolicy cached = policies.get(key);
        if (cached != null) {
            return cached;
        }
        RetryPolicy parsed = parse(run);
        if (policies.size() >= 1024) {
            policies.clear();
        }
        policies.put(key, parsed);
        return parsed;
    }

    private RetryPolicy parse(FlowRun run) {
        try {
            double[] seconds = json.readValue(run.retryDelays(), double[].class);
            List<Duration> delays = Arrays.stream(seconds).mapToObj(s -> Duration.ofMillis(Math.round(s * 1000))).toList();
            return new RetryPolicy(run.maxRetries(), delays);
        } catch (IOException e) {
            throw new UncheckedIOException("run " + run.id() + " has unreadable retry delays", e);
        }
    }
}
