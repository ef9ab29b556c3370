package io.flowplane.sdk.internal;

import io.flowplane.proto.endpoints.TlsCredentials;
import io.flowplane.proto.logging.FrameLogGuard;
import com.fasterxml.jackson.databind.JsonNode;
import io.flowplane.proto.v1.ArtifactReport;
import io.flowplane.proto.v1.FlowRunStateChange;
import io.flowplane.proto.v1.LogLine;
import io.flowplane.proto.v1.LogStream;
import io.flowplane.proto.v1.RunEventsServiceGrpc;
import io.flowplane.proto.v1.RunHeartbeat;
import io.flowplane.proto.v1.TaskRunReport;
import io.flowplane.sdk.ArtifactEntry;
import io.flowplane.sdk.LogEntry;
import io.flowplane.sdk.State;
import io.flowplane.sdk.Tls;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reports to a RunEventsService: the agent's local relay (runs come from the environment) or
 * the control plane itself (runs are created over REST). Events go through an
 * {@link EventShipper}; runs that no agent heartbeats for get a heartbeat event periodically.
 */
public final class GrpcReporting implements Reporting {
    private static final int MAX_MESSAGE = 4000;

    /** How runs are obtained: from the agent's environment, or created on the control plane. */
    public interface RunSource {
        RemoteRun openRoot(String flowName, JsonNode parameters);

        RemoteRun openChild(RemoteRun parent, String flowName, JsonNode parameters);
    }

    private final ManagedChannel channel;
    private final EventShipper shipper;
    private final RunSource runs;
    private final Map<UUID, RemoteRun> beating = new ConcurrentHashMap<>();
    private final ScheduledExecutorService heart;

    /**
     * @param target    gRPC target, e.g. {@code 127.0.0.1:7001}
     * @param plaintext no TLS (the relay is loopback-only plaintext)
     * @param heartbeat null: never heartbeat (the agent does it for its runs)
     */
    public GrpcReporting(String target, boolean plaintext, String bearer, RunSource runs, Duration heartbeat,
                         Clock clock) {
        this(target, plaintext, Tls.DEFAULT, bearer, runs, heartbeat, clock);
    }

    /** @param tls with TLS: the CA(s) to trust and the client certificate to present (mutual TLS), if any */
    public GrpcReporting(String target, boolean plaintext, Tls tls, String bearer, RunSource runs,
                         Duration heartbeat, Clock clock) {
        FrameLogGuard.install(); // before the first connection: its frame logger would print the API key
        ManagedChannelBuilder<?> builder = plaintext
                ? ManagedChannelBuilder.forTarget(target).usePlaintext()
                : io.grpc.Grpc.newChannelBuilder(target, credentials(tls));
        this.channel = builder.build();
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + bearer);
        ClientInterceptor auth = MetadataUtils.newAttachHeadersInterceptor(headers);
        this.shipper = new EventShipper(EventShipper.newSourceId(),
                RunEventsServiceGrpc.newBlockingStub(channel).withInterceptors(auth), clock);
        this.runs = runs;
        if (heartbeat == null) {
            heart = null;
        } else {
            heart = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "flowplane-heartbeat");
                t.setDaemon(true);
                return t;
            });
            heart.scheduleAtFixedRate(this::beat, heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** TLS trusting {@code tls}'s CA (else the JVM's), presenting its client certificate if it has one. */
    private static io.grpc.ChannelCredentials credentials(Tls tls) {
        try {
            return TlsCredentials.of(tls.caFile(), tls.clientCertFile(), tls.clientKeyFile());
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read the TLS files (CA " + tls.caFile() + ", client certificate "
                    + tls.clientCertFile() + ", key " + tls.clientKeyFile() + "): " + e.getMessage(), e);
        }
    }

    @Override
    public RemoteRun openRoot(String flowName, JsonNode parameters) {
        return opened(runs.openRoot(flowName, parameters));
    }

    @Override
    public RemoteRun openChild(RemoteRun parent, String flowName, JsonNode parameters) {
        return opened(runs.openChild(parent, flowName, parameters));
    }

    private RemoteRun opened(RemoteRun run) {
        shipper.register(run);
        if (heart != null && !run.shared()) {
            beating.put(run.id(), run);
        }
        return run;
    }

    @Override
    public void task(RemoteRun run, TaskReport r) {
        shipper.enqueue(run, b -> {
            TaskRunReport.Builder t = TaskRunReport.newBuilder().setTaskRunId(r.id().toString())
                    .setTaskKey(r.taskKey()).setName(r.name()).setType(type(r.state()))
                    .setStateName(r.state().name()).setAttempt(r.attempt()).addAllTags(r.tags());
            if (r.message() != null) {
                t.setMessage(cap(r.message()));
            }
            if (r.cacheKey() != null) {
                t.setCacheKey(r.cacheKey());
            }
            if (r.resultUri() != null) {
                t.setResultUri(r.resultUri()).setResultHash(r.resultHash());
            }
            return b.setTaskRun(t);
        });
    }

    @Override
    public void log(RemoteRun run, LogEntry line) {
        shipper.enqueue(run, b -> {
            LogLine.Builder l = LogLine.newBuilder().setStream(LogStream.valueOf(line.stream().name()))
                    .setLevel(line.level()).setMessage(line.message());
            if (line.taskRunId() != null) {
                l.setTaskRunId(line.taskRunId().toString());
            }
            return b.setLog(l);
        });
    }

    @Override
    public void artifact(RemoteRun run, ArtifactEntry a) {
        shipper.enqueue(run, b -> {
            ArtifactReport.Builder r = ArtifactReport.newBuilder().setKey(a.key()).setType(a.type()).setData(a.data());
            if (a.description() != null) {
                r.setDescription(a.description());
            }
            if (a.taskRunId() != null) {
                r.setTaskRunId(a.taskRunId().toString());
            }
            return b.setArtifact(r);
        });
    }

    @Override
    public void flowState(RemoteRun run, State state, String message) {
        beating.remove(run.id());
        shipper.enqueue(run, b -> {
            FlowRunStateChange.Builder s = FlowRunStateChange.newBuilder().setType(type(state)).setName(state.name())
                    .setIdempotencyId("sdk-end-" + run.id() + "-" + run.leaseEpoch());
            if (message != null) {
                s.setMessage(cap(message));
            }
            return b.setState(s);
        });
    }

    private void beat() {
        beating.values().forEach(run -> shipper.enqueue(run, b -> b.setHeartbeat(RunHeartbeat.getDefaultInstance())));
    }

    @Override
    public boolean flush(Duration timeout) {
        return shipper.flush(timeout);
    }

    @Override
    public void close() {
        if (heart != null) {
            heart.shutdownNow();
        }
        shipper.close();
        channel.shutdown();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static io.flowplane.proto.v1.StateType type(State s) {
        return io.flowplane.proto.v1.StateType.valueOf(s.type().name());
    }

    private static String cap(String s) {
        return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE - 1) + "…";
    }
}
