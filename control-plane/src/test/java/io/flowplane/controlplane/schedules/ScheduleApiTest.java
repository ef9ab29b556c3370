package io.flowplane.controlplane.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowplane.controlplane.testing.MutableClock;
import io.flowplane.controlplane.testing.TestControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Scheduling through the REST API of the real control plane: preview, bad schedules, backfills. */
class ScheduleApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static TestControlPlane cp;

    @BeforeAll
    static void start() throws Exception {
        cp = TestControlPlane.start(dir, new MutableClock(Instant.parse("2026-03-20T12:00:00Z")));
        assertThat(cp.admin("POST", "/api/v1/work-pools", "{\"name\":\"sched\"}").statusCode()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        cp.close();
    }

    private static JsonNode ok(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    @Test
    void previewShowsUtcAndLocalTimesAcrossDst() throws Exception {
        JsonNode body = ok(cp.admin("POST", "/api/v1/schedule-preview", "{\"schedule\":{\"cron\":\"30 2 * * *\","
                + "\"timezone\":\"Europe/Berlin\"},\"from\":\"2026-03-28T00:00:00Z\",\"count\":3}"), 200);
        assertThat(body.get("timezone").asText()).isEqualTo("Europe/Berlin");
        List<String> at = new ArrayList<>();
        List<String> local = new ArrayList<>();
        body.get("runs").forEach(r -> {
            at.add(r.get("at").asText());
            local.add(r.get("local").asText());
        });
        assertThat(at).containsExactly("2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z");
        assertThat(local).containsExactly("2026-03-28T02:30:00+01:00", "2026-03-29T03:00:00+02:00",
                "2026-03-30T02:30:00+02:00");
    }

    @Test
    void finiteOrCoarseRulesOfManySecondsOrMinutesAreAccepted() throws Exception {
        JsonNode counted = ok(cp.admin("POST", "/api/v1/schedule-preview", "{\"schedule\":{\"rrule\":"
                + "\"FREQ=SECONDLY;COUNT=3\",\"dtstart\":\"2026-01-01T00:00:00\"},\"from\":\"2025-12-31T00:00:00Z\"}"), 200);
        assertThat(counted.get("runs").findValuesAsText("at"))
                .containsExactly("2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z", "2026-01-01T00:00:02Z");
        JsonNode until = ok(cp.admin("POST", "/api/v1/schedule-preview", "{\"schedule\":{\"rrule\":"
                + "\"FREQ=SECONDLY;UNTIL=20260101T000010\",\"dtstart\":\"2026-01-01T00:00:00\"},\"from\":\"2025-12-31T00:00:00Z\","
                + "\"count\":2}"), 200);
        assertThat(until.get("runs").findValuesAsText("at")).containsExactly("2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z");
        JsonNode quarters = ok(cp.admin("POST", "/api/v1/schedule-preview", "{\"schedule\":{\"rrule\":"
                + "\"FREQ=MINUTELY;INTERVAL=15;BYDAY=MO,TU,WE,TH,FR\",\"dtstart\":\"2026-01-01T00:00:00\"},"
                + "\"from\":\"2026-03-02T08:50:00Z\",\"count\":2}"), 200);
        assertThat(quarters.get("runs").findValuesAsText("at")).containsExactly("2026-03-02T09:00:00Z", "2026-03-02T09:15:00Z");
    }

    @Test
    void previewWithARangeAndTheDefaults() throws Exception {
        JsonNode range = ok(cp.admin("POST", "/api/v1/schedule-preview", "{\"schedule\":{\"rrule\":\"FREQ=HOURLY\","
                + "\"dtstart\":\"2026-01-01T00:00:00\"},\"from\":\"2026-02-01T00:00:00Z\","
                + "\"to\":\"2026-02-01T03:00:00Z\"}"), 200);
        assertThat(range.get("runs")).hasSize(4);
        JsonNode defaults = ok(cp.admin("POST", "/api/v1/schedule-preview", "{\"schedule\":{\"intervalSeconds\":60}}"), 200);
        assertThat(defaults.get("runs")).hasSize(10);
        assertThat(defaults.at("/runs/0/at").asText()).isEqualTo("2026-03-20T12:00:00Z");
    }

    /** The same bad schedule is refused by the preview and by the deployment upsert, naming the field; nothing is stored. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"cron\":\"61 * * * *\"}                                         | cron",
            "{\"cron\":\"* * * *\"}                                            | cron",
            "{\"cron\":\"@every5m\"}                                           | cron",
            "{\"cron\":\"0 2 * * *\",\"timezone\":\"Mars/Olympus\"}            | timezone",
            "{\"intervalSeconds\":0}                                           | intervalSeconds",
            "{\"intervalSeconds\":60,\"anchor\":\"yesterday\"}                 | anchor",
            "{\"rrule\":\"FREQ=SOMETIMES\",\"dtstart\":\"2026-01-01T00:00:00\"} | rrule",
            "{\"rrule\":\"FREQ=DAILY\"}                                        | dtstart",
            "{\"rrule\":\"FREQ=DAILY\",\"dtstart\":\"noon\"}                   | dtstart",
            // Billions of steps for lib-recur from DTSTART: refused, never expanded (it used to hang a core).
            "{\"rrule\":\"FREQ=SECONDLY\",\"dtstart\":\"0001-01-01T00:00:00\"} | rrule",
            "{\"rrule\":\"FREQ=MINUTELY;BYSECOND=0,30\",\"dtstart\":\"1990-01-01T00:00:00\"} | rrule",
            "{\"cron\":\"0 2 * * *\",\"intervalSeconds\":60}                   | ",
            "{}                                                                | ",
            "{\"cron\":\"0 2 * * *\",\"name\":\"has space\"}                   | name"})
    @org.junit.jupiter.api.Timeout(120)
    void badSchedulesAreRefusedEverywhere(String schedule, String field) throws Exception {
        String expected = field == null ? "schedule" : "schedule." + field;
        JsonNode preview = ok(cp.admin("POST", "/api/v1/schedule-preview", "{\"schedule\":" + schedule + "}"), 422);
        assertThat(preview.get("errors").findValuesAsText("field")).contains(expected);
        assertThat(preview.get("errors").get(0).get("message").asText()).isNotBlank();

        String name = "bad-" + Math.abs(schedule.hashCode());
        HttpResponse<String> upsert = cp.admin("POST", "/api/v1/deployments", "{\"name\":\"" + name + "\","
                + "\"flowName\":\"f\",\"workPool\":\"sched\",\"entrypoint\":{\"command\":[\"true\"]},"
                + "\"schedules\":[" + schedule + "]}");
        JsonNode problem = ok(upsert, 422);
        assertThat(upsert.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(problem.get("errors").findValuesAsText("field"))
                .contains(expected.replace("schedule", "schedules[0]"));
        assertThat(cp.admin("GET", "/api/v1/deployments/" + name, null).statusCode()).isEqualTo(404);
    }

    @Test
    void scheduleParametersMustSatisfyTheSchema() throws Exception {
        JsonNode problem = ok(cp.admin("POST", "/api/v1/deployments", "{\"name\":\"typed\",\"flowName\":\"f\","
                + "\"workPool\":\"sched\",\"entrypoint\":{\"command\":[\"true\"]},"
                + "\"parameterSchema\":{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}}},"
                + "\"schedules\":[{\"cron\":\"0 2 * * *\",\"parameters\":{\"n\":\"many\"}}]}"), 422);
        assertThat(problem.get("errors").findValuesAsText("field")).contains("schedules[0].parameters.n");
    }

    @Test
    void catchupSettingsAreChecked() throws Exception {
        JsonNode problem = ok(cp.admin("POST", "/api/v1/deployments", "{\"name\":\"cu\",\"flowName\":\"f\","
                + "\"workPool\":\"sched\",\"entrypoint\":{\"command\":[\"true\"]},\"catchup\":\"sometimes\","
                + "\"catchupMaxRuns\":0,\"maxLatenessSeconds\":-1,"
                + "\"schedules\":[{\"name\":\"a\",\"cron\":\"0 2 * * *\"},{\"name\":\"a\",\"cron\":\"0 3 * * *\"}]}"), 422);
        assertThat(problem.get("errors").findValuesAsText("field"))
                .contains("catchup", "catchupMaxRuns", "maxLatenessSeconds", "schedules[1].name");
    }

    @Test
    void scheduledRunsShowTheirScheduleAndTheSchedulesEndpointTheNextInstants() throws Exception {
        JsonNode d = ok(cp.admin("POST", "/api/v1/deployments", "{\"name\":\"hourly\",\"flowName\":\"f\","
                + "\"workPool\":\"sched\",\"entrypoint\":{\"command\":[\"true\"]},"
                + "\"schedules\":[{\"name\":\"top\",\"cron\":\"@hourly\"}]}"), 201);
        JsonNode schedules = ok(cp.admin("GET", "/api/v1/deployments/hourly/schedules", null), 200);
        assertThat(schedules).hasSize(1);
        assertThat(schedules.at("/0/name").asText()).isEqualTo("top");
        assertThat(schedules.at("/0/running").asBoolean()).isTrue();
        assertThat(schedules.at("/0/next/0").asText()).isEqualTo("2026-03-20T13:00:00Z");
        JsonNode runs = ok(cp.admin("GET", "/api/v1/flow-runs?deployment=" + d.get("id").asText(), null), 200);
        assertThat(runs.get("items")).hasSizeGreaterThanOrEqualTo(3);
        runs.get("items").forEach(r -> assertThat(r.get("scheduleId").asText()).isEqualTo(schedules.at("/0/id").asText()));
    }

    @Test
    void oneSchedulePausesAndResumesWhileTheOtherKeepsRunning() throws Exception {
        JsonNode d = ok(cp.admin("POST", "/api/v1/deployments", "{\"name\":\"two-schedules\",\"flowName\":\"f\","
                + "\"workPool\":\"sched\",\"entrypoint\":{\"command\":[\"true\"]},"
                + "\"schedules\":[{\"name\":\"top\",\"cron\":\"@hourly\"},{\"cron\":\"30 * * * *\"}]}"), 201);
        String id = d.get("id").asText();

        JsonNode paused = ok(cp.admin("POST", "/api/v1/deployments/two-schedules/schedules/top/pause", null), 200);
        assertThat(paused.get("name").asText()).isEqualTo("top");
        assertThat(paused.get("running").asBoolean()).isFalse();
        JsonNode schedules = ok(cp.admin("GET", "/api/v1/deployments/two-schedules/schedules", null), 200);
        java.util.Map<String, String> idByName = new java.util.HashMap<>();
        schedules.forEach(sch -> idByName.put(sch.get("name").asText(), sch.get("id").asText()));
        assertThat(idByName).containsOnlyKeys("top", "schedule-2");
        String topId = idByName.get("top");
        assertThat(futureRunsOf(id, topId)).as("the paused schedule's future runs are gone").isZero();
        assertThat(futureRunsOf(id, idByName.get("schedule-2"))).as("the other schedule is untouched").isPositive();
        JsonNode spec = ok(cp.admin("GET", "/api/v1/deployments/two-schedules", null), 200);
        assertThat(spec.toString()).contains("\"active\":false");

        JsonNode resumed = ok(cp.admin("POST", "/api/v1/deployments/two-schedules/schedules/top/resume", null), 200);
        assertThat(resumed.get("running").asBoolean()).isTrue();
        assertThat(futureRunsOf(id, topId)).isPositive();
        assertThat(ok(cp.admin("POST", "/api/v1/deployments/two-schedules/schedules/nope/pause", null), 404)
                .toString()).contains("nope");
    }

    /** The deployment's SCHEDULED runs that came from that schedule. */
    private static long futureRunsOf(String deploymentId, String scheduleId) throws Exception {
        JsonNode runs = ok(cp.admin("GET", "/api/v1/flow-runs?state=SCHEDULED&deployment=" + deploymentId, null), 200);
        long n = 0;
        for (JsonNode r : runs.get("items")) {
            if (scheduleId.equals(r.path("scheduleId").asText())) {
                n++;
            }
        }
        return n;
    }

    @Test
    void backfillLifecycle() throws Exception {
        ok(cp.admin("POST", "/api/v1/deployments", "{\"name\":\"daily\",\"flowName\":\"f\",\"workPool\":\"sched\","
                + "\"entrypoint\":{\"command\":[\"true\"]},\"schedules\":[{\"cron\":\"0 6 * * *\",\"active\":false}]}"), 201);
        String request = "{\"from\":\"2026-03-01T00:00:00Z\",\"to\":\"2026-03-08T00:00:00Z\",\"maxActive\":3}";
        JsonNode created = ok(cp.admin("POST", "/api/v1/deployments/daily/backfills", request), 201);
        assertThat(created.get("total").asInt()).isEqualTo(7);
        assertThat(created.get("scheduled").asInt()).as("maxActive released at once").isEqualTo(3);
        assertThat(created.get("waiting").asInt()).isEqualTo(4);
        JsonNode again = ok(cp.admin("POST", "/api/v1/deployments/daily/backfills", request), 200);
        assertThat(again.get("id")).isEqualTo(created.get("id"));

        String id = created.get("id").asText();
        JsonNode cancelled = ok(cp.admin("POST", "/api/v1/deployments/daily/backfills/" + id + "/cancel", null), 200);
        assertThat(cancelled.get("state").asText()).isEqualTo("cancelled");
        assertThat(cancelled.get("cancelled").asInt()).isEqualTo(7);
        assertThat(ok(cp.admin("GET", "/api/v1/deployments/daily/backfills/" + id, null), 200).get("cancelled").asInt())
                .isEqualTo(7);
        assertThat(ok(cp.admin("GET", "/api/v1/deployments/daily/backfills", null), 200)).hasSize(1);

        JsonNode bad = ok(cp.admin("POST", "/api/v1/deployments/daily/backfills",
                "{\"from\":\"2026-03-08T00:00:00Z\",\"to\":\"2026-03-01T00:00:00Z\",\"maxActive\":0}"), 422);
        assertThat(bad.get("errors").findValuesAsText("field")).contains("to", "maxActive");
        assertThat(cp.admin("GET", "/api/v1/deployments/daily/backfills/" + java.util.UUID.randomUUID(), null)
                .statusCode()).isEqualTo(404);
    }
}
