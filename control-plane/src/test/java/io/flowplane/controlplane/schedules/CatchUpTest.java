package io.flowplane.controlplane.schedules;

import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.state.StateType;
import io.flowplane.controlplane.testing.MutableClock;
import io.flowplane.controlplane.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Missed runs: with no agent while the clock jumps over two hours of a ten-minute schedule, the
 * deployment's catch-up policy decides how many of the twelve missed instants still run; max
 * lateness skips what was not started in time; Late marks runs waiting past 15 s.
 */
class CatchUpTest {
    private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");

    @TempDir
    Path dir;

    private TestDatabase.Pool db;
    private MutableClock clock;
    private SchedulingWorld world;

    @BeforeEach
    void setUp() {
        db = TestDatabase.open(dir.resolve("db"));
        clock = new MutableClock(START);
        world = new SchedulingWorld(db.dataSource(), db.dialect(), clock, SchedulerSettings.defaults().withHorizon(java.time.Duration.ofHours(1)));
        world.pool("p");
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private UUID deploy(String catchup, Double maxLateness) {
        return world.deploy("d-" + catchup, "p", List.of(SchedulingWorld.cron("every-10", "*/10 * * * *")), catchup,
                maxLateness).deployment().id();
    }

    /** Runs of the missed window (00:10 … 02:00) that will still run: not skipped. */
    private List<FlowRun> runnableMissed(UUID d) {
        Instant windowEnd = START.plus(Duration.ofHours(2));
        return world.runsOf(d).stream()
                .filter(r -> !r.times().scheduledAt().isAfter(windowEnd))
                .filter(r -> r.state().type() == StateType.SCHEDULED)
                .toList();
    }

    @ParameterizedTest(name = "catch-up {0}: {1} runs")
    @CsvSource({"latest, 1", "all, 12", "none, 0"})
    void aTwoHourOutageOfATenMinuteSchedule(String policy, int expected) {
        UUID d = deploy(policy, null);
        clock.advance(Duration.ofHours(2).plusMinutes(1));
        world.scheduler.tick();

        List<FlowRun> runnable = runnableMissed(d);
        assertThat(runnable).hasSize(expected);
        if (policy.equals("latest")) {
            assertThat(runnable.get(0).times().scheduledAt()).isEqualTo(Instant.parse("2026-03-01T02:00:00Z"));
        }
        if (policy.equals("all")) {
            assertThat(SchedulingWorld.instants(runnable)).isEqualTo(
                    SchedulingWorld.cron("x", "*/10 * * * *").recurrence().between(START, START.plus(Duration.ofHours(2)), 100));
        }
        // Materialised runs that were not kept end Cancelled and say why; missed ones never created stay absent.
        assertThat(world.runsOf(d)).filteredOn(r -> r.state().type() == StateType.CANCELLED)
                .allSatisfy(r -> assertThat(r.state().message()).startsWith("skipped: missed"));
        // The future is covered again: the next hour from now.
        Instant now = clock.instant();
        assertThat(world.runsOf(d)).filteredOn(r -> r.times().scheduledAt().isAfter(now))
                .extracting(r -> r.times().scheduledAt()).contains(Instant.parse("2026-03-01T03:00:00Z"));
        // A second tick changes nothing.
        List<FlowRun> before = world.runsOf(d);
        world.scheduler.tick();
        assertThat(runnableMissed(d)).hasSize(expected);
        assertThat(world.runsOf(d)).hasSameSizeAs(before);
    }

    @Test
    void aRunNotStartedWithinMaxLatenessIsSkippedAndNeverClaimed() {
        UUID d = deploy("all", 300.0);
        clock.advance(Duration.ofMinutes(16)); // 00:10 is six minutes late: past the 300 s bound
        List<FlowRun> claimed = world.claim("p", 10);
        assertThat(claimed).as("a claim never starts a run past its max lateness").isEmpty();

        world.scheduler.tick();
        FlowRun skipped = world.runsOf(d).get(0);
        assertThat(skipped.times().scheduledAt()).isEqualTo(Instant.parse("2026-03-01T00:10:00Z"));
        assertThat(skipped.state().type()).isEqualTo(StateType.CANCELLED);
        assertThat(skipped.state().message()).startsWith("skipped: late");

        clock.advance(Duration.ofMinutes(5)); // 00:21: the 00:20 run is one minute late, within the bound
        assertThat(world.claim("p", 10)).extracting(r -> r.times().scheduledAt().toString())
                .containsExactly("2026-03-01T00:20:00Z");
    }

    @Test
    void aRunWaitingPastLateAfterIsMarkedLate() {
        UUID d = deploy("all", null);
        clock.set(Instant.parse("2026-03-01T00:10:14Z"));
        world.scheduler.tick();
        assertThat(world.runsOf(d).get(0).state().name()).isEqualTo("Scheduled");
        clock.set(Instant.parse("2026-03-01T00:10:15Z"));
        world.scheduler.tick();
        FlowRun late = world.runsOf(d).get(0);
        assertThat(late.state().type()).isEqualTo(StateType.SCHEDULED);
        assertThat(late.state().name()).isEqualTo("Late");
        assertThat(world.runs.history(late.id())).extracting(s -> s.stateName()).containsExactly("Scheduled", "Late");
        // A late run is still claimed and runs (catch-up 'all' keeps it).
        assertThat(world.claim("p", 1)).extracting(FlowRun::id).containsExactly(late.id());
    }
}
