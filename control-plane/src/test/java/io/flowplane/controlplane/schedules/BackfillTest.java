package io.flowplane.controlplane.schedules;

import io.flowplane.controlplane.specs.ScheduleSpec;
import io.flowplane.controlplane.backfills.BackfillProgress;
import io.flowplane.controlplane.backfills.BackfillRequest;
import io.flowplane.controlplane.backfills.BackfillService;
import io.flowplane.controlplane.model.Deployment;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.state.StateType;
import io.flowplane.controlplane.testing.MutableClock;
import io.flowplane.controlplane.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A 7-day backfill of a daily schedule: exact instants, maxActive respected, progress, cancel, idempotency. */
class BackfillTest {
    private static final Instant NOW = Instant.parse("2026-03-20T12:00:00Z");

    @TempDir
    Path dir;

    private TestDatabase.Pool db;
    private SchedulingWorld world;
    private Deployment deployment;

    @BeforeEach
    void setUp() {
        db = TestDatabase.open(dir.resolve("db"));
        world = new SchedulingWorld(db.dataSource(), db.dialect(), new MutableClock(NOW), SchedulerSettings.defaults().withHorizon(java.time.Duration.ofHours(1)));
        world.pool("p");
        ScheduleSpec daily = new ScheduleSpec("daily", "30 2 * * *", null, null, null, null, "Europe/Berlin", false, null);
        deployment = world.deploy("nightly", "p", List.of(daily), null, null).deployment();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private BackfillService.Created backfill(int maxActive) {
        return world.backfills.create(deployment, world.deployments.spec(deployment), new BackfillRequest(
                Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-03-08T00:00:00Z"), null, maxActive, null));
    }

    private List<FlowRun> backfillRuns() {
        return world.runsOf(deployment.id()).stream().filter(r -> r.origin().backfillId() != null).toList();
    }

    @Test
    void sevenDaysOfADailyScheduleRunAtMostMaxActiveAtATime() {
        BackfillService.Created created = backfill(2);
        assertThat(created.created()).isTrue();
        assertThat(backfillRuns()).extracting(r -> r.times().scheduledAt().toString()).containsExactly(
                "2026-03-01T01:30:00Z", "2026-03-02T01:30:00Z", "2026-03-03T01:30:00Z", "2026-03-04T01:30:00Z",
                "2026-03-05T01:30:00Z", "2026-03-06T01:30:00Z", "2026-03-07T01:30:00Z");
        assertThat(backfillRuns()).allSatisfy(r -> assertThat(r.origin().backfillId()).isEqualTo(created.backfill().id()));

        String id = created.backfill().id().toString();
        int finished = 0;
        int maxRunning = 0;
        while (finished < 7) {
            List<FlowRun> claimed = world.claim("p", 10);
            BackfillProgress p = world.backfills.progress(deployment, id);
            maxRunning = Math.max(maxRunning, (int) p.running());
            assertThat(p.total()).isEqualTo(7);
            assertThat(p.completed() + p.failed() + p.cancelled() + p.running() + p.scheduled() + p.waiting())
                    .as("progress counts add up").isEqualTo(7);
            assertThat(claimed).isNotEmpty();
            for (FlowRun r : claimed) {
                world.finish(r.id(), finished == 3 ? StateType.FAILED : StateType.COMPLETED);
                finished++;
            }
            world.scheduler.tick();
        }
        assertThat(maxRunning).isEqualTo(2);
        BackfillProgress done = world.backfills.progress(deployment, id);
        assertThat(done.completed()).isEqualTo(6);
        assertThat(done.failed()).isEqualTo(1);
        assertThat(done.backfill().state()).isEqualTo("COMPLETED");
    }

    @Test
    void resubmittingTheSameBackfillCreatesNothing() {
        BackfillService.Created first = backfill(1);
        BackfillService.Created again = backfill(1);
        assertThat(again.created()).isFalse();
        assertThat(again.backfill().id()).isEqualTo(first.backfill().id());
        assertThat(backfillRuns()).hasSize(7);
    }

    @Test
    void cancelStopsTheRest() {
        BackfillService.Created created = backfill(1);
        FlowRun running = world.claim("p", 5).get(0);
        world.writer.transition(running.id(), r -> io.flowplane.controlplane.ledger.StateChange.of(StateType.RUNNING,
                io.flowplane.controlplane.state.Actor.AGENT));
        BackfillProgress p = world.backfills.cancel(deployment, created.backfill().id().toString());
        assertThat(p.backfill().state()).isEqualTo("CANCELLED");
        assertThat(p.cancelled()).isEqualTo(6);
        assertThat(p.running()).as("the running one is asked to stop (cancelling)").isEqualTo(1);
        assertThat(world.runs.get(running.id()).state().type()).isEqualTo(StateType.CANCELLING);
        world.scheduler.tick();
        assertThat(world.claim("p", 5)).isEmpty();
        assertThat(world.backfills.progress(deployment, created.backfill().id().toString()).waiting()).isZero();
    }

    @Test
    void theFlowSeesItsScheduledInstantAndBackfill() {
        BackfillService.Created created = backfill(1);
        FlowRun claimed = world.claim("p", 1).get(0);
        assertThat(claimed.times().scheduledAt()).isEqualTo(Instant.parse("2026-03-01T01:30:00Z"));
        assertThat(claimed.origin().backfillId()).isEqualTo(created.backfill().id());
        assertThat(Duration.between(claimed.times().scheduledAt(), NOW).toDays()).isEqualTo(19);
    }
}
