package io.flowplane.agent.audit;

import com.google.protobuf.MessageLite;
import io.flowplane.proto.v1.EventBatch;
import io.flowplane.proto.v1.HeartbeatRequest;
import io.flowplane.proto.v1.RunEvent;
import io.flowplane.proto.v1.RunLease;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.MethodDescriptor;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An append-only record of every message the agent sends to the control plane, one JSON line each:
 * when, which call, the message type, its size in bytes, the SHA-256 of exactly the bytes sent, the
 * runs it is about and, for event batches, how many events of each kind. The body itself is not
 * recorded: a security team compares hashes and sizes, e.g. against a recording proxy. A message
 * is recorded as it is handed to gRPC, so a send that then fails on the network is listed too.
 */
public final class EgressAudit implements ClientInterceptor, Closeable {
    public static final String FILE_NAME = "egress-audit.jsonl";

    private final FileChannel out;
    private final Clock clock;

    public EgressAudit(Path file, Clock clock) throws IOException {
        this.out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        this.clock = clock;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void sendMessage(Q message) {
                if (message instanceof MessageLite m) {
                    record(method.getFullMethodName(), m);
                }
                super.sendMessage(message);
            }
        };
    }

    void record(String method, MessageLite message) {
        byte[] body = message.toByteArray();
        Set<String> runs = new TreeSet<>();
        Map<String, Integer> events = new TreeMap<>();
        if (message instanceof EventBatch batch) {
            for (RunEvent e : batch.getEventsList()) {
                runs.add(e.getRunId());
                events.merge(e.getBodyCase().name(), 1, Integer::sum);
            }
        } else if (message instanceof HeartbeatRequest beat) {
            for (RunLease lease : beat.getRunsList()) {
                runs.add(lease.getRunId());
            }
        }
        StringBuilder line = new StringBuilder(200).append("{\"at\":\"").append(clock.instant())
                .append("\",\"method\":\"").append(method)
                .append("\",\"type\":\"").append(message.getClass().getSimpleName())
                .append("\",\"bytes\":").append(body.length)
                .append(",\"sha256\":\"").append(HexFormat.of().formatHex(sha256(body))).append("\",\"runs\":[");
        // Run ids and event kinds are UUIDs and enum names: nothing to escape.
        String sep = "";
        for (String r : runs) {
            line.append(sep).append('"').append(r).append('"');
            sep = ",";
        }
        line.append("]");
        if (!events.isEmpty()) {
            line.append(",\"events\":{");
            sep = "";
            for (Map.Entry<String, Integer> e : events.entrySet()) {
                line.append(sep).append('"').append(e.getKey()).append("\":").append(e.getValue());
                sep = ",";
            }
            line.append('}');
        }
        line.append("}\n");
        ByteBuffer bytes = ByteBuffer.wrap(line.toString().getBytes(StandardCharsets.UTF_8));
        synchronized (out) {
            try {
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not write the egress audit", e);
            }
        }
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (out) {
            out.close();
        }
    }
}
