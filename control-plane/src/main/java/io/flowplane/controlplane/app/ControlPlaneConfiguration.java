package io.flowplane.controlplane.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.util.Duration;
import io.flowplane.controlplane.grpc.GrpcConfiguration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import java.util.Map;

/** control-plane.yml. Every field has a default, so `flowplane server` runs with no file at all. */
public class ControlPlaneConfiguration extends Configuration {

    /** The embedded default: an H2 file under the working directory, kill -9 safe (WRITE_DELAY=0). */
    public static final String DEFAULT_DATABASE_URL = "jdbc:h2:file:./flowplane-data/flowplane"
            + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE";

    @Valid
    @NotNull
    @JsonProperty
    private DataSourceFactory database = defaultDatabase();

    @Valid
    @NotNull
    @JsonProperty
    private GrpcConfiguration grpc = new GrpcConfiguration();

    @Valid
    @NotNull
    @JsonProperty
    private Auth auth = new Auth();

    @Valid
    @NotNull
    @JsonProperty
    private Runs runs = new Runs();

    @Valid
    @NotNull
    @JsonProperty
    private Logs logs = new Logs();

    @Valid
    @NotNull
    @JsonProperty
    private Scheduler scheduler = new Scheduler();

    @Valid
    @NotNull
    @JsonProperty
    // Not "metrics": that key is Dropwizard's own (reporters, frequency), and a second property of
    // that name left the shipped sample configuration unparseable.
    private io.flowplane.controlplane.ops.MetricsSettings prometheus = new io.flowplane.controlplane.ops.MetricsSettings();

    @Valid
    @NotNull
    @JsonProperty
    private io.flowplane.controlplane.audit.AuditSettings audit = new io.flowplane.controlplane.audit.AuditSettings();

    @Valid
    @NotNull
    @JsonProperty
    private io.flowplane.controlplane.retention.RetentionSettings retention =
            new io.flowplane.controlplane.retention.RetentionSettings();

    @Valid
    @NotNull
    @JsonProperty
    private io.flowplane.controlplane.automations.AutomationsConfiguration automations =
            new io.flowplane.controlplane.automations.AutomationsConfiguration();

    public io.flowplane.controlplane.automations.AutomationsConfiguration getAutomations() {
        return automations;
    }

    /** Request bodies larger than this are refused with 413. */
    @Min(1024)
    @JsonProperty
    private long maxRequestBytes = 1024 * 1024;

    public DataSourceFactory getDatabase() {
        return database;
    }

    public GrpcConfiguration getGrpc() {
        return grpc;
    }

    public Auth getAuth() {
        return auth;
    }

    public Runs getRuns() {
        return runs;
    }

    public Logs getLogs() {
        return logs;
    }

    public Scheduler getScheduler() {
        return scheduler;
    }

    public io.flowplane.controlplane.ops.MetricsSettings getPrometheus() {
        return prometheus;
    }

    public io.flowplane.controlplane.audit.AuditSettings getAudit() {
        return audit;
    }

    public io.flowplane.controlplane.retention.RetentionSettings getRetention() {
        return retention;
    }

    private boolean logFormatApplied;

    /** The {@code logging} block, switched to the JSON layout when FLOWPLANE_LOG_FORMAT=json. */
    @Override
    public synchronized io.dropwizard.logging.common.LoggingFactory getLoggingFactory() {
        io.dropwizard.logging.common.LoggingFactory logging = super.getLoggingFactory();
        if (!logFormatApplied) {
            logFormatApplied = true;
            io.flowplane.controlplane.ops.JsonLogs.applyIfRequested(logging,
                    System.getenv(io.flowplane.controlplane.ops.JsonLogs.ENV));
        }
        return logging;
    }

    public long getMaxRequestBytes() {
        return maxRequestBytes;
    }

    private static DataSourceFactory defaultDatabase() {
        DataSourceFactory db = new DataSourceFactory();
        db.setDriverClass("org.h2.Driver");
        db.setUrl(DEFAULT_DATABASE_URL);
        db.setUser("sa");
        db.setPassword("");
        db.setProperties(Map.of());
        return db;
    }

    public static class Auth {
        /** An admin key to create on first start (e.g. from ${FLOWPLANE_BOOTSTRAP_ADMIN_KEY}); else one is generated. */
        @JsonProperty public String bootstrapAdminKey;
        /** Where a generated first key is written when stdout is not a terminal (then stdout is a log). */
        @NotNull @JsonProperty public String bootstrapKeyFile = "flowplane-data/bootstrap-admin.key";
    }

    public static class Runs {
        @NotNull @JsonProperty public Duration leaseDuration = Duration.seconds(30);
        @NotNull @JsonProperty public Duration heartbeatInterval = Duration.seconds(10);
        @NotNull @JsonProperty public Duration cancellingTimeout = Duration.seconds(60);
        @NotNull @JsonProperty public Duration reaperInterval = Duration.seconds(1);
        @NotNull @JsonProperty public Duration agentOfflineAfter = Duration.seconds(45);
    }

    /** How far ahead runs exist, when an unstarted run counts as late, and how often the scheduler looks. */
    public static class Scheduler {
        @NotNull @JsonProperty public Duration interval = Duration.seconds(1);
        /** Runs of every active schedule exist at least this far ahead. */
        @NotNull @JsonProperty public Duration horizon = Duration.minutes(10);
        /** ... and at least this many, however sparse the schedule. */
        @Min(1) @JsonProperty public int minRuns = 3;
        /** ... and at most this many, however dense. */
        @Min(1) @JsonProperty public int maxRuns = 100;
        /** A run not started this long after its scheduled time is shown Late (and counts as missed). */
        @NotNull @JsonProperty public Duration lateAfter = Duration.seconds(15);
        /** Schedules handled per transaction. */
        @Min(1) @JsonProperty public int batchSize = 500;

        public io.flowplane.controlplane.schedules.SchedulerSettings settings() {
            return new io.flowplane.controlplane.schedules.SchedulerSettings(horizon.toJavaDuration(), minRuns,
                    Math.max(minRuns, maxRuns), lateAfter.toJavaDuration(), batchSize);
        }
    }

    public static class Logs {
        @Min(256) @JsonProperty public int maxLineChars = 16 * 1024;
        @Min(1) @JsonProperty public long maxLinesPerRun = 100_000;
        @NotNull @JsonProperty public Duration retention = Duration.days(30);
    }
}
