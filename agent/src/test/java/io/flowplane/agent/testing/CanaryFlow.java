package io.flowplane.agent.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowplane.proto.v1.ArtifactReport;
import io.flowplane.proto.v1.EventBatch;
import io.flowplane.proto.v1.FlowRunStateChange;
import io.flowplane.proto.v1.LogLine;
import io.flowplane.proto.v1.LogStream;
import io.flowplane.proto.v1.RunEvent;
import io.flowplane.proto.v1.RunEventsServiceGrpc;
import io.flowplane.proto.v1.StateType;
import io.flowplane.proto.v1.TaskRunReport;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * A flow process that leaks the secret in {@code $TOK} every way a careless flow could: printed
 * plainly, base64 at each alignment, URL-encoded, JSON-escaped, hex, inside a longer token — and
 * the same through the agent's relay in a log line, a task run, an artifact and its final state.
 */
public final class CanaryFlow {
    private CanaryFlow() {
    }

    public static void main(String[] args) throws Exception {
        String tok = System.getenv("TOK");
        byte[] b = tok.getBytes(StandardCharsets.UTF_8);
        for (String prefix : new String[]{"", "x", "xy"}) {
            byte[] shifted = (prefix + tok + "-tail").getBytes(StandardCharsets.UTF_8);
            System.out.println("b64 " + Base64.getEncoder().encodeToString(shifted));
            System.out.println("b64url " + Base64.getUrlEncoder().withoutPadding().encodeToString(shifted));
            System.out.println("b64end " + Base64.getEncoder().encodeToString((prefix + tok).getBytes(StandardCharsets.UTF_8)));
        }
        System.out.println("plain token=" + tok);
        System.out.println("url https://example.invalid/cb?token=" + URLEncoder.encode(tok, StandardCharsets.UTF_8) + "&x=1");
        System.out.println("json " + new ObjectMapper().writeValueAsString(Map.of("token", tok)));
        System.out.println("hex " + HexFormat.of().formatHex(b) + " HEX " + HexFormat.of().withUpperCase().formatHex(b));
        System.out.println("longer Bearer abc" + tok + "xyz");
        System.err.println("stderr " + tok);
        System.out.flush();

        String runId = System.getenv("FLOWPLANE_RUN_ID");
        long epoch = Long.parseLong(System.getenv("FLOWPLANE_LEASE_EPOCH"));
        Metadata auth = new Metadata();
        auth.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + System.getenv("FLOWPLANE_EVENTS_TOKEN"));
        ManagedChannel channel = NettyChannelBuilder.forTarget(System.getenv("FLOWPLANE_EVENTS_ENDPOINT")).usePlaintext().build();
        try {
            var relay = RunEventsServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth));
            String b64 = Base64.getEncoder().encodeToString(("x" + tok).getBytes(StandardCharsets.UTF_8));
            EventBatch.Builder batch = EventBatch.newBuilder().setSourceId("canary-flow");
            batch.addEvents(event(1, runId, epoch).setLog(LogLine.newBuilder().setStream(LogStream.LOGGER)
                    .setLevel("INFO").setMessage("relay log " + b64)));
            batch.addEvents(event(2, runId, epoch).setTaskRun(TaskRunReport.newBuilder()
                    .setTaskRunId("11111111-1111-1111-1111-111111111111").setTaskKey("leak-" + tok).setName("leak " + tok)
                    .setType(StateType.COMPLETED).setMessage("task " + new ObjectMapper().writeValueAsString(tok))
                    .setCacheKey(HexFormat.of().formatHex(b)).addTags("tag-" + tok)));
            batch.addEvents(event(3, runId, epoch).setArtifact(ArtifactReport.newBuilder()
                    .setTaskRunId("11111111-1111-1111-1111-111111111111").setKey("report").setType("markdown")
                    .setDescription("about " + tok).setData("| k | v |\n|---|---|\n| tok | " + b64 + " |")));
            batch.addEvents(event(4, runId, epoch).setState(FlowRunStateChange.newBuilder().setType(StateType.COMPLETED)
                    .setMessage("done " + URLEncoder.encode(tok, StandardCharsets.UTF_8))));
            relay.sendEvents(batch.build());
        } finally {
            channel.shutdownNow();
        }
    }

    private static RunEvent.Builder event(long seq, String runId, long epoch) {
        return RunEvent.newBuilder().setSeq(seq).setRunId(runId).setLeaseEpoch(epoch);
    }
}
