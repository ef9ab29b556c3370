package io.flowplane.agent.exec;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.flowplane.agent.locallogs.LocalLogs;
import io.flowplane.agent.secrets.Redactor;
import io.flowplane.agent.spool.Spool;
import io.flowplane.proto.v1.FlowRunStateChange;
import io.flowplane.proto.v1.LogLines;
import io.flowplane.proto.v1.LogStream;
import io.flowplane.proto.v1.RunEvent;
import io.flowplane.proto.v1.StateType;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Turns what happens to a run into events in the spool: redacted (secret values resolved for the
 * run never leave the agent), stamped with the run's lease epoch, and dropped once the run is
 * fenced (the control plane said we no longer hold it) or closed.
 */
public final class Reporter {
    private final Spool spool;
    private final Clock clock;
    /** Logs-stay-local mode: where the lines of the runs it keeps go instead; null: off. */
    private final LocalLogs localLogs;
    private final String agentName;

    public Reporter(Spool spool, Clock clock) {
        this(spool, clock, null, null);
    }

    public Reporter(Spool spool, Clock clock, LocalLogs localLogs, String agentName) {
        this.spool = spool;
        this.clock = clock;
        this.localLogs = localLogs;
        this.agentName = agentName;
    }

    private boolean keepsLocal(ActiveRun run) {
        return localLogs != null && localLogs.keeps(run.claim.getDeploymentName());
    }

    /**
     * The lines go to the local store; the control plane gets one line of the agent's own making
     * in their place: how many, and where they are (their level, stream and time travel as metadata).
     */
    private String keepLocal(ActiveRun run, Instant at, LogStream stream, String level, List<String> lines) {
        localLogs.append(run.id(), at, stream.name(), level, lines);
        return "[" + lines.size() + (lines.size() == 1 ? " line" : " lines") + " kept on the agent: "
                + localLogs.whereLinesAre(agentName, run.id()) + "]";
    }

    /** A state change from the agent; returns its spool sequence, or 0 if the run is fenced. */
    long state(ActiveRun run, StateType type, String name, String message) {
        return state(run, type, name, message, null);
    }

    /** The same, with the version of the deployment's code the run started (RUNNING only; null: none). */
    long state(ActiveRun run, StateType type, String name, String message, String codeVersion) {
        if (run.fenced) {
            return 0;
        }
        FlowRunStateChange.Builder s = FlowRunStateChange.newBuilder().setType(type)
                .setMessage(run.redactor.redact(message == null ? "" : message))
                // Replays of the same decision (after a restart) are recognised by the control plane.
                .setIdempotencyId("agent:" + run.id() + ":" + run.epoch() + ":" + type.name());
        if (name != null) {
            s.setName(name);
        }
        if (codeVersion != null) {
            s.setCodeVersion(codeVersion);
        }
        return append(event(run, clock.instant()).setState(s).build(), true);
    }

    /**
     * Lines the process printed, read at once: one event. {@code endOffset} is where they end in
     * the run's output file; it is recorded with the event, so a restarted agent reads on from there.
     */
    void log(ActiveRun run, LogStream stream, List<String> lines, Instant at, long endOffset) {
        log(run, stream, lines, at, endOffset, () -> run.spooled(stream, endOffset));
    }

    /** The same, running {@code spooled} once the event is in the spool (an executor records its own offsets). */
    void log(ActiveRun run, LogStream stream, List<String> lines, Instant at, long endOffset, Runnable spooled) {
        if (run.fenced || run.closed) {
            return;
        }
        LogLines.Builder group = LogLines.newBuilder().setStream(stream)
                .setLevel(stream == LogStream.STDERR ? "WARN" : "INFO").setOutputOffset(endOffset);
        List<String> masked = new java.util.ArrayList<>(lines.size());
        for (String line : lines) {
            masked.add(run.redactor.redact(line));
        }
        if (keepsLocal(run)) {
            group.addMessages(keepLocal(run, at, stream, group.getLevel(), masked));
        } else {
            group.addAllMessages(masked);
        }
        try {
            spool.append(event(run, at).setLogLines(group).build(), true, spooled);
        } catch (Spool.FullException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * How far each run's output is in the spool's unacknowledged tail, by "runId-epoch": {stdout,
     * stderr} offsets (-1: no event of that stream). Read once at start, for adopted runs.
     */
    public java.util.Map<String, long[]> spooledOffsets() {
        java.util.Map<String, long[]> out = new java.util.HashMap<>();
        long from = spool.ackedSeq() + 1;
        while (true) {
            List<RunEvent> batch = spool.read(from, 2000, 4L * 1024 * 1024);
            if (batch.isEmpty()) {
                return out;
            }
            for (RunEvent e : batch) {
                if (e.hasLogLines() && e.getLogLines().getOutputOffset() > 0) {
                    long[] o = out.computeIfAbsent(e.getRunId() + "-" + e.getLeaseEpoch(), k -> new long[]{-1, -1});
                    int i = e.getLogLines().getStream() == LogStream.STDERR ? 1 : 0;
                    o[i] = Math.max(o[i], e.getLogLines().getOutputOffset());
                }
                from = e.getSeq() + 1;
            }
        }
    }

    /** An event the flow process sent through the relay, redacted; fails at once when the spool is full. */
    long relayed(ActiveRun run, RunEvent event) throws Spool.FullException {
        RunEvent.Builder b = event.toBuilder().clearSeq();
        if (!b.hasOccurredAt()) {
            b.setOccurredAt(timestamp(clock.instant()));
        }
        redact(run, b);
        if (keepsLocal(run)) {
            Instant at = Instant.ofEpochSecond(b.getOccurredAt().getSeconds(), b.getOccurredAt().getNanos());
            if (b.hasLog()) {
                b.setLog(b.getLog().toBuilder().setMessage(keepLocal(run, at, b.getLog().getStream(), b.getLog().getLevel(),
                        List.of(b.getLog().getMessage()))));
            } else if (b.hasLogLines()) {
                LogLines l = b.getLogLines();
                b.setLogLines(l.toBuilder().clearMessages().addMessages(keepLocal(run, at, l.getStream(), l.getLevel(),
                        l.getMessagesList())));
            }
        }
        return spool.append(b.build(), false);
    }

    /** Every text field of the event's body, whatever the flow put where (names, keys, tags, messages, data). */
    private static void redact(ActiveRun run, RunEvent.Builder b) {
        if (run.redactor == Redactor.NONE) {
            return;
        }
        for (FieldDescriptor body : RunEvent.getDescriptor().getOneofs().get(0).getFields()) {
            if (b.hasField(body)) {
                b.setField(body, redactStrings((Message) b.getField(body), run.redactor));
            }
        }
    }

    static Message redactStrings(Message m, Redactor r) {
        Message.Builder b = m.toBuilder();
        for (var e : m.getAllFields().entrySet()) {
            var field = e.getKey();
            var type = field.getJavaType();
            if (type != FieldDescriptor.JavaType.STRING
                    && type != FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            if (field.isRepeated()) {
                List<?> values = (List<?>) e.getValue();
                for (int i = 0; i < values.size(); i++) {
                    b.setRepeatedField(field, i, redactValue(values.get(i), r));
                }
            } else {
                b.setField(field, redactValue(e.getValue(), r));
            }
        }
        return b.build();
    }

    private static Object redactValue(Object v, Redactor r) {
        return v instanceof String s ? r.redact(s) : redactStrings((Message) v, r);
    }

    private long append(RunEvent event, boolean wait) {
        try {
            return spool.append(event, wait);
        } catch (Spool.FullException e) {
            throw new IllegalStateException(e);
        }
    }

    private RunEvent.Builder event(ActiveRun run, Instant at) {
        return RunEvent.newBuilder().setRunId(run.id()).setLeaseEpoch(run.epoch()).setOccurredAt(timestamp(at));
    }

    static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
