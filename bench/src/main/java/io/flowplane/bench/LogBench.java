package io.flowplane.bench;

import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import io.flowplane.proto.v1.AgentServiceGrpc;
import io.flowplane.proto.v1.ClaimedRun;
import io.flowplane.proto.v1.EventBatch;
import io.flowplane.proto.v1.LogLine;
import io.flowplane.proto.v1.LogStream;
import io.flowplane.proto.v1.PollWorkRequest;
import io.flowplane.proto.v1.RegisterRequest;
import io.flowplane.proto.v1.RunEvent;
import io.flowplane.proto.v1.RunEventsServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Log ingestion at the protocol level: one claimed run, {@code lines} log events of ~80 characters
 * sent as batches of {@code batch} over RunEventsService, one batch in flight (the agent shipper's
 * pattern); from the first send to the last acknowledgement, then the stored lines are counted.
 */
final class LogBench {
    private LogBench() {
    }

    /**
     * log_lines_per_s / log_lines_lost, end to end: one real agent runs {@code runs} runs at once,
     * each a real process (awk) printing {@code linesPerRun} lines of ~80 characters; the agent
     * reads them, spools them, ships them in batches; the clock runs from the first create request
     * until every line is stored in the control plane (lines counted in log_chunks, not rows); then it
     * waits for every run to be COMPLETED.
     */
    static void agent(BenchControlPlane cp, int runs, int linesPerRun) throws Exception {
        Setup.pool(cp, "logs");
        String awk = "BEGIN { for (i = 1; i <= " + linesPerRun + "; i++) printf \"line %d " + "x".repeat(64)
                + "\\n\", i }";
        Setup.deployment(cp, "logs", "logs", Setup.JSON.writeValueAsString(java.util.List.of("awk", awk)), "");
        long expected = (long) runs * linesPerRun;
        try (Fleet fleet = Fleet.start(cp, "logs", 1, runs)) {
            Thread.sleep(300);
            java.util.List<String> ids = new java.util.ArrayList<>();
            long t0Millis = System.currentTimeMillis();
            long t0 = System.nanoTime();
            for (int i = 0; i < runs; i++) {
                ids.add(Setup.run(cp, "logs"));
            }
            String in = ids.stream().map(id -> "'" + id + "'").collect(java.util.stream.Collectors.joining(","));
            long deadline = System.nanoTime() + java.time.Duration.ofMinutes(5).toNanos();
            long stored;
            long t1 = 0;
            while (true) {
                stored = cp.count("SELECT COALESCE(SUM(line_count), 0) FROM log_chunks WHERE run_id IN (" + in + ")");
                long done = cp.count("SELECT COUNT(*) FROM flow_runs WHERE state_type = 'COMPLETED' AND id IN (" + in + ")");
                if (stored >= expected && t1 == 0) {
                    t1 = System.nanoTime();
                }
                if ((stored >= expected && done == runs) || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(20);
            }
            if (t1 == 0) {
                t1 = System.nanoTime();
            }
            double seconds = (t1 - t0) / 1e9;
            Out.info("logs end to end: %d runs x %d lines = %d lines stored %d in %.2f s", runs, linesPerRun, expected,
                    stored, seconds);
            // Where the time went: runs created, claimed, started (RUNNING stored), lines stored.
            long created = cp.count("SELECT MAX(created_at) FROM flow_runs WHERE id IN (" + in + ")");
            long claimed = cp.count("SELECT COALESCE(MAX(at), 0) FROM flow_run_states WHERE state_type = 'PENDING' "
                    + "AND run_id IN (" + in + ")");
            long running = cp.count("SELECT COALESCE(MAX(at), 0) FROM flow_run_states WHERE state_type = 'RUNNING' "
                    + "AND run_id IN (" + in + ")");
            long firstStored = cp.count("SELECT COALESCE(MIN(stored_at), 0) FROM log_chunks WHERE run_id IN (" + in + ")");
            long lastStored = cp.count("SELECT COALESCE(MAX(stored_at), 0) FROM log_chunks WHERE run_id IN (" + in + ")");
            long chunks = cp.count("SELECT COUNT(*) FROM log_chunks WHERE run_id IN (" + in + ")");
            Out.info("logs timeline from the first create request: every run created +%d ms, claimed +%d ms, "
                    + "RUNNING +%d ms; first line stored +%d ms, last +%d ms; %d chunks", created - t0Millis,
                    claimed - t0Millis, running - t0Millis, firstStored - t0Millis, lastStored - t0Millis, chunks);
            Out.metric("log_lines_per_s", stored / seconds, "lines/s");
            Out.metric("log_lines_lost", Math.max(0, expected - stored), "lines");
            Executions.GLOBAL.reset();
        }
    }

    static void grpc(BenchControlPlane cp, int lines, int batch) throws Exception {
        Setup.pool(cp, "logs-grpc");
        Setup.deployment(cp, "logs-grpc", "logs-grpc", Setup.NOOP, "");
        String runId = Setup.run(cp, "logs-grpc");
        Metadata auth = new Metadata();
        auth.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + BenchControlPlane.ADMIN_KEY);
        ManagedChannel channel = NettyChannelBuilder.forTarget(cp.grpcTarget()).usePlaintext().build();
        try {
            var agent = AgentServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth));
            var events = RunEventsServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth));
            String agentId = UUID.randomUUID().toString();
            agent.register(RegisterRequest.newBuilder().setAgentId(agentId).setName("log-bench").addPools("logs-grpc").setSlots(1).build());
            ClaimedRun run = agent.withDeadlineAfter(30, TimeUnit.SECONDS).pollWork(PollWorkRequest.newBuilder()
                    .setAgentId(agentId).setPool("logs-grpc").setMaxRuns(1).setWait(Durations.fromSeconds(10)).build()).getRuns(0);
            String pad = "x".repeat(60);
            long seq = 0;
            long t0 = System.nanoTime();
            while (seq < lines) {
                EventBatch.Builder b = EventBatch.newBuilder().setSourceId("log-bench-" + agentId);
                for (int i = 0; i < batch && seq < lines; i++) {
                    seq++;
                    b.addEvents(RunEvent.newBuilder().setSeq(seq).setRunId(runId).setLeaseEpoch(run.getLeaseEpoch())
                            .setOccurredAt(Timestamps.fromMillis(System.currentTimeMillis()))
                            .setLog(LogLine.newBuilder().setStream(LogStream.STDOUT).setLevel("INFO")
                                    .setMessage("line " + seq + " " + pad)));
                }
                long acked = events.withDeadlineAfter(60, TimeUnit.SECONDS).sendEvents(b.build()).getAckedSeq();
                if (acked != seq) {
                    throw new IllegalStateException("acked " + acked + " after sending up to " + seq);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long stored = cp.count("SELECT COALESCE(SUM(line_count), 0) FROM log_chunks WHERE run_id = '" + runId + "'");
            Out.info("log ingestion (gRPC, batches of %d): %d lines in %.2f s, %d stored", batch, lines, seconds, stored);
            Out.metric("log_ingest_grpc_lines_per_s", lines / seconds, "lines/s");
        } finally {
            channel.shutdownNow();
        }
    }
}
