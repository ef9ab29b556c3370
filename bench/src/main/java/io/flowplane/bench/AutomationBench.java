package io.flowplane.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.util.Durations;
import com.sun.net.httpserver.HttpServer;
import io.flowplane.proto.v1.AgentServiceGrpc;
import io.flowplane.proto.v1.ClaimedRun;
import io.flowplane.proto.v1.EventBatch;
import io.flowplane.proto.v1.FlowRunStateChange;
import io.flowplane.proto.v1.PollWorkRequest;
import io.flowplane.proto.v1.RegisterRequest;
import io.flowplane.proto.v1.RunEvent;
import io.flowplane.proto.v1.RunEventsServiceGrpc;
import io.flowplane.proto.v1.StateType;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Event-to-action latency of automations, through the real protocol: (1) an agent reports a run
 * FAILED → a notify automation's webhook reaches a loopback receiver; (2) an agent reports run A
 * COMPLETED → a run-deployment automation creates B's run → an agent's long poll claims it and
 * reports it RUNNING. Each sample is one run at a time.
 */
final class AutomationBench {
    private AutomationBench() {
    }

    static void run(BenchControlPlane cp, int samples) throws Exception {
        Map<String, Long> receivedAt = new ConcurrentHashMap<>();
        Map<String, CountDownLatch> waiting = new ConcurrentHashMap<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", ex -> {
            long now = System.nanoTime();
            JsonNode body = Setup.JSON.readTree(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String runId = body.path("event").path("run").path("id").asText();
            receivedAt.put(runId, now);
            CountDownLatch latch = waiting.get(runId);
            if (latch != null) {
                latch.countDown();
            }
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        Metadata auth = new Metadata();
        auth.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + BenchControlPlane.ADMIN_KEY);
        ManagedChannel channel = NettyChannelBuilder.forTarget(cp.grpcTarget()).usePlaintext().build();
        try {
            var agent = AgentServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth));
            var events = RunEventsServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth));
            Setup.pool(cp, "auto");
            Setup.deployment(cp, "auto-failing", "auto", Setup.NOOP, "");
            Setup.deployment(cp, "auto-a", "auto", Setup.NOOP, "");
            Setup.deployment(cp, "auto-b", "auto", Setup.NOOP, "");
            cp.call("POST", "/api/v1/notification-targets", "{\"name\":\"bench-hook\",\"url\":\"http://127.0.0.1:"
                    + receiver.getAddress().getPort() + "/hook\",\"secret\":\"bench-secret-0123456789\"}");
            cp.call("POST", "/api/v1/automations", "{\"name\":\"bench-notify\",\"trigger\":{\"match\":{\"types\":"
                    + "[\"flow-run.failed\"],\"deployment\":\"auto-failing\"}},\"actions\":[{\"type\":\"notify\","
                    + "\"target\":\"bench-hook\"}]}");
            cp.call("POST", "/api/v1/automations", "{\"name\":\"bench-chain\",\"trigger\":{\"match\":{\"types\":"
                    + "[\"flow-run.completed\"],\"deployment\":\"auto-a\"}},\"actions\":[{\"type\":\"run-deployment\","
                    + "\"deployment\":\"auto-b\",\"parameters\":{\"upstream\":\"{{ event.run.id }}\"}}]}");
            String agentId = "auto-bench-" + UUID.randomUUID();
            agent.register(RegisterRequest.newBuilder().setAgentId(agentId).setName("auto-bench").addPools("auto")
                    .setSlots(4).build());
            AtomicLong seq = new AtomicLong();
            String source = "auto-bench-" + agentId;

            double[] notify = new double[samples];
            for (int i = 0; i < samples; i++) {
                String runId = Setup.run(cp, "auto-failing");
                ClaimedRun claimed = claim(agent, agentId);
                CountDownLatch latch = new CountDownLatch(1);
                waiting.put(runId, latch);
                long t0 = System.nanoTime();
                report(events, source, seq, claimed, StateType.RUNNING, StateType.FAILED);
                if (!latch.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no notification for run " + runId);
                }
                notify[i] = (receivedAt.get(runId) - t0) / 1e6;
            }
            double[] chain = new double[samples];
            for (int i = 0; i < samples; i++) {
                Setup.run(cp, "auto-a");
                ClaimedRun a = claim(agent, agentId);
                long t0 = System.nanoTime();
                report(events, source, seq, a, StateType.RUNNING, StateType.COMPLETED);
                ClaimedRun b = claim(agent, agentId);
                report(events, source, seq, b, StateType.RUNNING);
                chain[i] = (System.nanoTime() - t0) / 1e6;
                report(events, source, seq, b, StateType.COMPLETED);
            }
            Out.info("automations: %d samples each; notification p90 %.1f ms, chain p90 %.1f ms", samples,
                    Out.percentile(notify, 90), Out.percentile(chain, 90));
            Out.metric("automation_failed_to_notification_p50_ms", Out.percentile(notify, 50), "ms");
            Out.metric("automation_failed_to_notification_p99_ms", Out.percentile(notify, 99), "ms");
            Out.metric("automation_completed_to_downstream_running_p50_ms", Out.percentile(chain, 50), "ms");
            Out.metric("automation_completed_to_downstream_running_p99_ms", Out.percentile(chain, 99), "ms");
        } finally {
            channel.shutdownNow();
            receiver.stop(0);
        }
    }

    private static ClaimedRun claim(AgentServiceGrpc.AgentServiceBlockingStub agent, String agentId) {
        var r = agent.withDeadlineAfter(30, TimeUnit.SECONDS).pollWork(PollWorkRequest.newBuilder().setAgentId(agentId)
                .setPool("auto").setMaxRuns(1).setWait(Durations.fromSeconds(20)).build());
        if (r.getRunsCount() != 1) {
            throw new IllegalStateException("the poll returned " + r.getRunsCount() + " runs");
        }
        return r.getRuns(0);
    }

    private static void report(RunEventsServiceGrpc.RunEventsServiceBlockingStub events, String source, AtomicLong seq,
                               ClaimedRun run, StateType... states) {
        EventBatch.Builder b = EventBatch.newBuilder().setSourceId(source);
        for (StateType s : states) {
            b.addEvents(RunEvent.newBuilder().setSeq(seq.incrementAndGet()).setRunId(run.getRunId())
                    .setLeaseEpoch(run.getLeaseEpoch()).setState(FlowRunStateChange.newBuilder().setType(s)));
        }
        events.withDeadlineAfter(30, TimeUnit.SECONDS).sendEvents(b.build());
    }
}
