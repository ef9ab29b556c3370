package io.flowplane.controlplane.schedules;

import io.flowplane.controlplane.specs.Recurrence;
import io.flowplane.controlplane.specs.ScheduleSpec;
import io.flowplane.controlplane.deployments.DeploymentService;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.state.StateType;
import io.flowplane.controlplane.store.Dialect;
import io.flowplane.controlplane.testing.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Materialisation is exact and idempotent on every supported database: the horizon is covered,
 * restarts, two schedulers on one database, edits, pause and resume never create a duplicate
 * (deployment, instant) and never leave an instant of the horizon without its run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SchedulingContractTest {
    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");

    protected abstract DataSource openDatabase() throws Exception;

    protected abstract Dialect dialect();

    protected abstract void closeDatabase() throws Exception;

    private DataSource dataSource;
    private MutableClock clock;
    private SchedulingWorld world;
    private String pool;

    @BeforeAll
    void open() throws Exception {
        dataSource = openDatabase();
    }

    @AfterAll
    void close() throws Exception {
        closeDatabase();
    }

    @BeforeEach
    void setUp() {
        clock = new MutableClock(START);
        world = newWorld();
        pool = "pool-" + UUID.randomUUID().toString().substring(0, 8);
        world.pool(pool);
    }

    private SchedulingWorld newWorld() {
        return new SchedulingWorld(dataSource, dialect(), clock, SchedulerSettings.defaults().withHorizon(java.time.Duration.ofHours(1)));
    }

    private UUID deploy(String cron) {
        return deploy(List.of(SchedulingWorld.cron("main", cron)));
    }

    private UUID deploy(List<ScheduleSpec> schedules) {
        DeploymentService.Upserted u = world.deploy("dep-" + UUID.randomUUID().toString().substring(0, 8), pool,
                schedules, null, null);
        return u.deployment().id();
    }

    @Test
    void aNewScheduleHasItsRunsForTheNextHourAtOnce() {
        UUID d = deploy("*/10 * * * *");
        assertExactlyOnce(d, "*/10 * * * *", START, START.plus(Duration.ofHours(1)));
        List<FlowRun> runs = world.runsOf(d);
        assertThat(runs).allSatisfy(r -> {
            assertThat(r.state().type()).isEqualTo(StateType.SCHEDULED);
            assertThat(r.origin().scheduleId()).isNotNull();
            assertThat(r.nextAt()).isEqualTo(r.times().scheduledAt());
            assertThat(r.parameters()).contains("\"region\":\"eu\"");
        });
    }

    @Test
    void aDenseScheduleCappedAtMaxRunsIsRevisitedWhenHalfHasRun() {
        // */1 with a one-hour horizon wants 60+ runs; capped at 100 it is fine, so use a world
        // whose cap (20) is below the horizon's count: the horizon can never be covered.
        SchedulingWorld capped = new SchedulingWorld(dataSource, dialect(), clock,
                new SchedulerSettings(Duration.ofHours(1), 3, 20, Duration.ofSeconds(15), 500));
        capped.pool(pool + "-c");
        UUID d = capped.deploy("dep-" + UUID.randomUUID().toString().substring(0, 8), pool + "-c",
                List.of(SchedulingWorld.cron("main", "* * * * *")), null, null).deployment().id();
        assertThat(capped.runsOf(d)).hasSize(20);
        // Revisited once ten of the twenty have run, not at every tick.
        Instant nextCheck = Instant.ofEpochMilli(capped.store.jdbi().withHandle(h -> h.createQuery(
                "SELECT next_check_at FROM schedules WHERE deployment_id = :d").bind("d", d).mapTo(Long.class).one()));
        assertThat(nextCheck).isAfter(clock.instant().plus(Duration.ofMinutes(9)));
        clock.advance(Duration.ofMinutes(11));
        capped.scheduler.tick();
        assertThat(capped.runsOf(d).stream().filter(r -> r.times().scheduledAt().isAfter(clock.instant()))).hasSize(20);
    }

    @Test
    void schedulesCreatedTogetherAreRevisitedAtSpreadMomentsEachAddingRuns() {
        // This world: a one-hour horizon, runs materialised 75 minutes ahead. Unspread, every
        // one-minute cron would be revisited at the same fire instant: last run ahead - horizon.
        List<UUID> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(deploy("* * * * *"));
        }
        Instant now = clock.instant();
        java.util.Set<Instant> checks = new java.util.HashSet<>();
        for (UUID d : ids) {
            Instant last = world.runsOf(d).stream().map(r -> r.times().scheduledAt()).max(Instant::compareTo).orElseThrow();
            Instant check = nextCheck(d);
            assertThat(check).isAfter(now).isBeforeOrEqualTo(last.minus(Duration.ofHours(1)));
            // Spread by at most half the slack between target and horizon (7.5 minutes).
            assertThat(check).isAfterOrEqualTo(last.minus(Duration.ofHours(1)).minusSeconds(450));
            checks.add(check);
        }
        assertThat(checks).hasSizeGreaterThan(1);
        // Each revisit adds runs and moves its next check on, so no schedule comes back every tick.
        for (int round = 0; round < 3; round++) {
            Instant soonest = ids.stream().map(this::nextCheck).min(Instant::compareTo).orElseThrow();
            clock.advance(Duration.between(clock.instant(), soonest));
            java.util.Map<UUID, Integer> before = new java.util.HashMap<>();
            ids.forEach(d -> before.put(d, world.runsOf(d).size()));
            java.util.Map<UUID, Instant> due = new java.util.HashMap<>();
            ids.stream().filter(d -> !nextCheck(d).isAfter(clock.instant())).forEach(d -> due.put(d, nextCheck(d)));
            assertThat(due).isNotEmpty();
            world.scheduler.tick();
            due.forEach((d, check) -> {
                assertThat(world.runsOf(d).size()).isGreaterThan(before.get(d));
                assertThat(nextCheck(d)).isAfter(clock.instant().plusSeconds(30));
            });
        }
    }

    private Instant nextCheck(UUID deploymentId) {
        return Instant.ofEpochMilli(world.store.jdbi().withHandle(h -> h.createQuery(
                "SELECT next_check_at FROM schedules WHERE deployment_id = :d").bind("d", deploymentId)
                .mapTo(Long.class).one()));
    }

    @Test
    void aSparseScheduleStillHasThreeRunsAhead() {
        UUID d = deploy("0 9 * * 1");
        assertThat(SchedulingWorld.instants(world.runsOf(d))).extracting(Instant::toString)
                .containsExactly("2026-03-02T09:00:00Z", "2026-03-09T09:00:00Z", "2026-03-16T09:00:00Z");
    }

    @Test
    void restartsAndTwoSchedulersOnOneDatabaseNeverDuplicateOrSkip() throws Exception {
        UUID d = deploy("*/5 * * * *");
        SchedulingWorld other = newWorld();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int step = 0; step < 30; step++) {
                clock.advance(Duration.ofMinutes(7));
                CompletableFuture<Integer> a = CompletableFuture.supplyAsync(world.scheduler::tick, threads);
                CompletableFuture<Integer> b = CompletableFuture.supplyAsync(other.scheduler::tick, threads);
                a.get();
                b.get();
                if (step == 10) {
                    world = newWorld(); // a restart: a fresh control plane on the same database
                }
            }
        } finally {
            threads.shutdownNow();
        }
        assertExactlyOnce(d, "*/5 * * * *", START, clock.instant().plus(Duration.ofHours(1)));
    }

    @Test
    void editingAScheduleReplacesItsFutureRunsWithoutDuplicatesOrGaps() {
        UUID d = deploy("*/10 * * * *");
        clock.advance(Duration.ofMinutes(11));
        world.scheduler.tick();
        FlowRun started = world.claim(pool, 1).get(0);
        assertThat(started.times().scheduledAt()).isEqualTo(Instant.parse("2026-03-01T12:10:00Z"));

        deploy(d, "*/15 * * * *");
        Instant now = clock.instant();
        List<FlowRun> runs = world.runsOf(d);
        assertThat(runs).filteredOn(r -> r.times().scheduledAt().isAfter(now)).extracting(r -> r.times().scheduledAt())
                .containsExactlyElementsOf(recurrence("*/15 * * * *").between(now, now.plus(Duration.ofMinutes(75)), 100));
        assertThat(runs).filteredOn(r -> !r.times().scheduledAt().isAfter(now)).extracting(FlowRun::id)
                .containsExactly(started.id());
        assertNoDuplicates(d);

        // Overlapping instants (12:30, 12:45 … are in both */15 and */5) keep exactly one run.
        deploy(d, "*/5 * * * *");
        assertExactlyOnce(d, "*/5 * * * *", now, now.plus(Duration.ofHours(1)));
    }

    @Test
    void pausingRemovesFutureRunsAndResumingRecreatesThemFromNow() {
        UUID d = deploy("*/10 * * * *");
        String name = world.deployments.get(d.toString()).name();
        world.deployments.setPaused(name, true);
        assertThat(world.runsOf(d)).isEmpty();
        clock.advance(Duration.ofMinutes(45));
        assertThat(world.scheduler.tick()).isZero();
        assertThat(world.runsOf(d)).isEmpty();

        world.deployments.setPaused(name, false);
        Instant now = clock.instant();
        List<FlowRun> runs = world.runsOf(d);
        // Catch-up 'latest': the most recent instant missed while paused (12:40) runs once.
        assertThat(runs).filteredOn(r -> !r.times().scheduledAt().isAfter(now)).extracting(r -> r.times().scheduledAt().toString())
                .containsExactly("2026-03-01T12:40:00Z");
        assertExactlyOnce(d, "*/10 * * * *", now, now.plus(Duration.ofHours(1)));
    }

    @Test
    void anInactiveScheduleHasNoRunsUntilActivated() {
        ScheduleSpec paused = new ScheduleSpec("nightly", "0 2 * * *", null, null, null, null, "UTC", false, null);
        UUID d = deploy(List.of(paused));
        assertThat(world.runsOf(d)).isEmpty();
        world.deploy(world.deployments.get(d.toString()).name(), pool,
                List.of(SchedulingWorld.cron("nightly", "0 2 * * *")), null, null);
        assertThat(world.runsOf(d)).hasSize(3);
    }

    @Test
    void aScheduleRemovedFromTheDeploymentTakesItsFutureRunsWithIt() {
        UUID d = deploy(List.of(SchedulingWorld.cron("a", "*/10 * * * *"), SchedulingWorld.cron("b", "5 * * * *")));
        assertThat(world.runsOf(d)).extracting(r -> r.times().scheduledAt().toString()).contains("2026-03-01T12:05:00Z");
        deploy(d, "*/10 * * * *");
        assertThat(world.runsOf(d)).extracting(r -> r.times().scheduledAt().toString())
                .doesNotContain("2026-03-01T12:05:00Z", "2026-03-01T13:05:00Z");
    }

    private void deploy(UUID deploymentId, String cron) {
        world.deploy(world.deployments.get(deploymentId.toString()).name(), pool,
                List.of(SchedulingWorld.cron("main", cron)), null, null);
    }

    private static Recurrence recurrence(String cron) {
        return SchedulingWorld.cron("x", cron).recurrence();
    }

    /** Every instant of the cron in (from, to] has exactly one run (any state), and no instant has two. */
    private void assertExactlyOnce(UUID deploymentId, String cron, Instant from, Instant to) {
        List<Instant> expected = recurrence(cron).between(from, to, 10_000);
        List<Instant> got = SchedulingWorld.instants(world.runsOf(deploymentId)).stream()
                .filter(i -> i.isAfter(from) && !i.isAfter(to)).toList();
        assertThat(got).containsExactlyElementsOf(expected);
        assertNoDuplicates(deploymentId);
    }

    private void assertNoDuplicates(UUID deploymentId) {
        List<Instant> all = SchedulingWorld.instants(world.runsOf(deploymentId));
        Set<Instant> unique = new HashSet<>(all);
        assertThat(all).as("no instant has two runs").hasSize(unique.size());
    }
}
