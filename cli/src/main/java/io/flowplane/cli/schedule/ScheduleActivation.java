package io.flowplane.cli.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.cli.Api;
import io.flowplane.cli.ApiCommand;
import io.flowplane.cli.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code flowplane schedule pause|resume DEPLOYMENT SCHEDULE}: one schedule of a deployment stops or
 * starts making runs; the deployment and its other schedules are untouched.
 */
public abstract class ScheduleActivation extends ApiCommand {
    @Parameters(index = "0", paramLabel = "DEPLOYMENT", description = "name or id")
    String deployment;

    @Parameters(index = "1", paramLabel = "SCHEDULE", description = "the schedule's name (schedule-1, … when it has none)")
    String schedule;

    /** "pause" or "resume": the REST action and the word printed. */
    abstract String action();

    @Override
    protected int run(Api api) {
        JsonNode s = api.post("api/v1/deployments/" + Api.enc(deployment) + "/schedules/" + Api.enc(schedule) + "/"
                + action(), null);
        if (api.json()) {
            api.printJson(s);
        } else {
            api.out().println((action().equals("pause") ? "paused" : "resumed") + " schedule " + s.path("name").asText()
                    + " of " + deployment + (s.path("running").asBoolean() ? " (making runs)" : " (not making runs)"));
        }
        return 0;
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Pause one schedule of a deployment: it stops creating runs, the others go on.")
    public static final class Pause extends ScheduleActivation {
        @Override
        String action() {
            return "pause";
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Resume a paused schedule: it creates runs again (catch-up applies).")
    public static final class Resume extends ScheduleActivation {
        @Override
        String action() {
            return "resume";
        }
    }
}
