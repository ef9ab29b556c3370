package io.flowplane.agent.dispatch;

import io.flowplane.agent.connection.Backoff;
import io.flowplane.agent.connection.ControlPlaneConnection;
import io.flowplane.agent.exec.RunSupervisor;
import io.flowplane.proto.v1.AgentCommand;
import io.flowplane.proto.v1.WatchCommandsRequest;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one WatchCommands stream open so a user's cancel reaches the agent at once (not at the
 * next heartbeat). The stream has a deadline like every call and is reopened when it ends,
 * after a backoff when it failed.
 */
public final class CommandStream {
    private static final Logger LOG = LoggerFactory.getLogger(CommandStream.class);
    private static final Duration STREAM_DEADLINE = Duration.ofMinutes(10);

    private final ControlPlaneConnection connection;
    private final String agentId;
    private final RunSupervisor runs;
    private final ScheduledExecutorService timer;
    private final Backoff backoff;
    private volatile boolean stopped;
    private volatile ClientCallStreamObserver<?> current;

    public CommandStream(ControlPlaneConnection connection, String agentId, RunSupervisor runs,
                         ScheduledExecutorService timer, Backoff backoff) {
        this.connection = connection;
        this.agentId = agentId;
        this.runs = runs;
        this.timer = timer;
        this.backoff = backoff;
    }

    public void start() {
        open();
    }

    private void open() {
        if (stopped) {
            return;
        }
        connection.agentAsync(STREAM_DEADLINE).watchCommands(WatchCommandsRequest.newBuilder().setAgentId(agentId).build(),
                new ClientResponseObserver<WatchCommandsRequest, AgentCommand>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<WatchCommandsRequest> call) {
                        current = call;
                    }

                    @Override
                    public void onNext(AgentCommand command) {
                        synchronized (CommandStream.this) {
                            backoff.reset();
                        }
                        if (command.hasCancelRunId()) {
                            runs.cancel(command.getCancelRunId());
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        reopen(t);
                    }

                    @Override
                    public void onCompleted() {
                        reopen(null);
                    }
                });
    }

    private void reopen(Throwable failure) {
        if (stopped) {
            return;
        }
        long pause;
        synchronized (this) {
            pause = failure == null || failure.toString().contains("DEADLINE_EXCEEDED") ? 0 : backoff.next().toMillis();
            if (failure != null && backoff.failures() == 1) {
                LOG.warn("command stream closed: {}; reopening", failure.toString());
            }
        }
        timer.schedule(() -> {
            connection.reconnectNow();
            open();
        }, pause, TimeUnit.MILLISECONDS);
    }

    public void stop() {
        stopped = true;
        ClientCallStreamObserver<?> call = current;
        if (call != null) {
            call.cancel("agent stopping", null);
        }
    }
}
