package io.flowplane.bench;

import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.flowplane.proto.v1.AgentServiceGrpc;
import io.flowplane.proto.v1.ClaimedRun;
import io.flowplane.proto.v1.EventBatch;
import io.flowplane.proto.v1.FlowRunStateChange;
import io.flowplane.proto.v1.PollWorkRequest;
import io.flowplane.proto.v1.PollWorkResponse;
import io.flowplane.proto.v1.RegisterRequest;
import io.flowplane.proto.v1.RunEvent;
import io.flowplane.proto.v1.RunEventsServiceGrpc;
import io.flowplane.proto.v1.StateType;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A protocol-level stand-in for an agent (used where no real agent is wired): registers, long-polls
 * its pool for as many runs as it has slots, "executes" each claimed run as a no-op (RUNNING then
 * COMPLETED) and ships the events in batches over RunEventsService, one batch in flight, like the
 * agent's shipper. No spool on disk, no heartbeats (runs finish well inside a lease).
 */
final class BenchPoller implements AutoCloseable {
    private final ManagedChannel channel;
    private final AgentServiceGrpc.AgentServiceBlockingStub agent;
    private final RunEventsServiceGrpc.RunEventsServiceBlockingStub events;
    private final String agentId = UUID.randomUUID().toString();
    private final String pool;
    private final int slots;
    private final Executions executions;
    private final LinkedBlockingQueue<RunEvent.Builder> outbox = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopped;
    private long seq;

    BenchPoller(String target, String apiKey, String pool, int slots, Executions executions) {
        Metadata auth = new Metadata();
        auth.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + apiKey);
        this.channel = NettyChannelBuilder.forTarget(target).usePlaintext().maxInboundMessageSize(64 << 20).build();
        this.agent = AgentServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth));
        this.events = RunEventsServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth));
        this.pool = pool;
        this.slots = slots;
        this.executions = executions;
        agent.withDeadlineAfter(10, TimeUnit.SECONDS).register(RegisterRequest.newBuilder().setAgentId(agentId)
                .setName("bench-" + agentId.substring(0, 8)).addPools(pool).setSlots(slots).build());
        threads.add(new Thread(this::pollLoop, "bench-poller"));
        threads.add(new Thread(this::shipLoop, "bench-shipper"));
        threads.forEach(t -> {
            t.setDaemon(true);
            t.start();
        });
    }

    private void pollLoop() {
        while (!stopped) {
            try {
                PollWorkResponse r = agent.withDeadlineAfter(30, TimeUnit.SECONDS).pollWork(PollWorkRequest.newBuilder()
                        .setAgentId(agentId).setPool(pool).setMaxRuns(slots).setWait(Durations.fromSeconds(20)).build());
                for (ClaimedRun run : r.getRunsList()) {
                    executions.started(run.getRunId());
                    outbox.add(state(run, StateType.RUNNING));
                    outbox.add(state(run, StateType.COMPLETED));
                }
            } catch (RuntimeException e) {
                if (!stopped) {
                    Out.info("bench poller: %s", e);
                    sleep(100);
                }
            }
        }
    }

    private static RunEvent.Builder state(ClaimedRun run, StateType type) {
        return RunEvent.newBuilder().setRunId(run.getRunId()).setLeaseEpoch(run.getLeaseEpoch())
                .setOccurredAt(Timestamps.fromMillis(System.currentTimeMillis()))
                .setState(FlowRunStateChange.newBuilder().setType(type)
                        .setIdempotencyId("bench:" + run.getRunId() + ":" + run.getLeaseEpoch() + ":" + type));
    }

    private void shipLoop() {
        List<RunEvent.Builder> batch = new ArrayList<>();
        while (!stopped) {
            try {
                RunEvent.Builder first = outbox.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                outbox.drainTo(batch, 1999);
                EventBatch.Builder b = EventBatch.newBuilder().setSourceId(agentId);
                for (RunEvent.Builder e : batch) {
                    b.addEvents(e.setSeq(++seq));
                }
                events.withDeadlineAfter(60, TimeUnit.SECONDS).sendEvents(b.build());
                batch.clear();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!stopped) {
                    Out.info("bench shipper: %s", e);
                }
                return;
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stopped = true;
        channel.shutdownNow();
    }
}
