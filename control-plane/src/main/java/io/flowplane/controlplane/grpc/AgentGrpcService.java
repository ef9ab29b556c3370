package io.flowplane.controlplane.grpc;

import io.flowplane.controlplane.agents.AgentCommands;
import io.flowplane.controlplane.agents.AgentRegistry;
import io.flowplane.controlplane.services.Services;
import io.flowplane.controlplane.model.Permission;
import io.flowplane.controlplane.auth.Principal;
import io.flowplane.controlplane.dispatch.ClaimService;
import io.flowplane.controlplane.dispatch.Dispatcher;
import io.flowplane.proto.v1.AgentCommand;
import io.flowplane.proto.v1.AgentServiceGrpc;
import io.flowplane.proto.v1.HeartbeatRequest;
import io.flowplane.proto.v1.HeartbeatResponse;
import io.flowplane.proto.v1.LostRun;
import io.flowplane.proto.v1.PollWorkRequest;
import io.flowplane.proto.v1.PollWorkResponse;
import io.flowplane.proto.v1.RegisterRequest;
import io.flowplane.proto.v1.RegisterResponse;
import io.flowplane.proto.v1.WatchCommandsRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Thin edge: map the request, call one service, map the answer. */
final class AgentGrpcService extends AgentServiceGrpc.AgentServiceImplBase {
    private final Services services;
    private final ProtoMapper mapper;
    private final Duration maxPollWait;
    private final Duration leaseDuration;
    private final Duration heartbeatInterval;
    private final AgentCommands commands;

    AgentGrpcService(Services services, Duration maxPollWait, Duration leaseDuration, Duration heartbeatInterval,
                     AgentCommands commands) {
        this.services = services;
        this.commands = commands;
        this.mapper = new ProtoMapper(services.core().json());
        this.maxPollWait = maxPollWait;
        this.leaseDuration = leaseDuration;
        this.heartbeatInterval = heartbeatInterval;
    }

    @Override
    public void register(RegisterRequest request, StreamObserver<RegisterResponse> observer) {
        GrpcErrors.unary(observer, () -> {
            Principal principal = GrpcErrors.require(Permission.POLL);
            request.getPoolsList().forEach(pool -> checkPool(principal, pool));
            var agent = services.execution().agents().register(new AgentRegistry.Registration(request.getAgentId(),
                    request.getName(), request.getPoolsList(), request.getSlots(), request.getVersion(),
                    request.getHostname(), request.getLabelsMap()));
            return RegisterResponse.newBuilder().setAgentId(agent.id())
                    .setLeaseDuration(ProtoMapper.duration(leaseDuration))
                    .setHeartbeatInterval(ProtoMapper.duration(heartbeatInterval))
                    .setMaxPollWait(ProtoMapper.duration(maxPollWait))
                    .build();
        });
    }

    @Override
    public void pollWork(PollWorkRequest request, StreamObserver<PollWorkResponse> observer) {
        ServerCallStreamObserver<PollWorkResponse> call = (ServerCallStreamObserver<PollWorkResponse>) observer;
        // Before anything is claimed for this poll: each claim's lease starts at or after this.
        Instant received = services.core().clock().instant();
        Dispatcher.PendingPoll pending;
        try {
            Principal principal = GrpcErrors.require(Permission.POLL);
            checkPool(principal, request.getPool());
            if (request.getAgentId().isEmpty()) {
                throw GrpcErrors.invalid("agent_id is required: call Register first");
            }
            Duration wait = request.hasWait() ? ProtoMapper.duration(request.getWait()) : Duration.ZERO;
            if (wait.compareTo(maxPollWait) > 0) {
                wait = maxPollWait;
            }
            var claim = new ClaimService.ClaimRequest(request.getAgentId(), request.getPool(), request.getQueuesList(),
                    (int) Math.min(request.getMaxRuns(), 1000));
            Duration granted = wait;
            pending = services.execution().dispatcher().poll(claim, wait,
                    runs -> reply(call, request.getPool(), runs, received, granted));
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
            return;
        }
        call.setOnCancelHandler(pending::cancel);
    }

    private void reply(ServerCallStreamObserver<PollWorkResponse> call, String pool, List<ClaimService.Claimed> runs,
                       Instant received, Duration wait) {
        PollWorkResponse.Builder b = PollWorkResponse.newBuilder();
        Duration lease = services.execution().ledger().leases().length();
        runs.forEach(r -> b.addRuns(mapper.claimed(r, pool, r.jobTemplate())
                .setClaimedAfter(ProtoMapper.duration(claimedAfter(r.run(), received, wait, lease)))));
        try {
            call.onNext(b.build());
            call.onCompleted();
        } catch (RuntimeException e) {
            // The agent went away; its claims expire with their leases and are retried.
        }
    }

    /**
     * How long after the poll arrived the run's lease started (its expiry minus the lease), within
     * [0, wait]: rounded towards zero, so the agent's view of the lease never ends after this one.
     */
    static Duration claimedAfter(io.flowplane.controlplane.model.FlowRun run, Instant received, Duration wait,
                                 Duration lease) {
        Instant expires = run.lease().expiresAt();
        if (expires == null) {
            return Duration.ZERO;
        }
        Duration after = Duration.between(received, expires.minus(lease));
        if (after.isNegative()) {
            return Duration.ZERO;
        }
        return after.compareTo(wait) > 0 ? wait : after;
    }

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> observer) {
        GrpcErrors.unary(observer, () -> {
            GrpcErrors.require(Permission.POLL);
            List<AgentRegistry.Lease> leases = request.getRunsList().stream()
                    .map(l -> new AgentRegistry.Lease(ProtoMapper.uuid(l.getRunId(), "runs.run_id"), l.getLeaseEpoch()))
                    .toList();
            var result = services.execution().agents().heartbeat(request.getAgentId(), request.getFreeSlots(), leases);
            HeartbeatResponse.Builder b = HeartbeatResponse.newBuilder()
                    .setLeaseExpiresAt(ProtoMapper.timestamp(result.leaseExpiresAt()));
            result.cancel().forEach(id -> b.addCancelRunIds(id.toString()));
            result.lost().forEach(l -> b.addLostRuns(LostRun.newBuilder().setRunId(l.runId().toString()).setReason(l.reason())));
            return b.build();
        });
    }

    @Override
    public void watchCommands(WatchCommandsRequest request, StreamObserver<AgentCommand> observer) {
        ServerCallStreamObserver<AgentCommand> call = (ServerCallStreamObserver<AgentCommand>) observer;
        try {
            GrpcErrors.require(Permission.POLL);
            if (request.getAgentId().isEmpty()) {
                throw GrpcErrors.invalid("agent_id is required: call Register first");
            }
            services.execution().agents().get(request.getAgentId());
        } catch (RuntimeException e) {
            observer.onError(GrpcErrors.toStatus(e));
            return;
        }
        AgentCommands.Subscription[] subscription = new AgentCommands.Subscription[1];
        // Set before subscribing: the subscription may push pending cancels at once.
        call.setOnCancelHandler(() -> {
            synchronized (subscription) {
                if (subscription[0] != null) {
                    subscription[0].close();
                }
                subscription[0] = null;
            }
        });
        synchronized (subscription) {
            subscription[0] = commands.subscribe(request.getAgentId(), runId -> push(call, runId));
            if (call.isCancelled()) {
                subscription[0].close();
            }
        }
    }

    private static void push(ServerCallStreamObserver<AgentCommand> call, java.util.UUID runId) {
        // Signals arrive on several threads; a stream observer takes one message at a time.
        synchronized (call) {
            try {
                if (!call.isCancelled()) {
                    call.onNext(AgentCommand.newBuilder().setCancelRunId(runId.toString()).build());
                }
            } catch (RuntimeException e) {
                // The agent went away; it gets the cancel again when it reopens the stream.
            }
        }
    }

    private static void checkPool(Principal principal, String pool) {
        if (pool.isEmpty()) {
            throw GrpcErrors.invalid("pool is required");
        }
        if (!principal.mayUsePool(pool)) {
            throw Status.PERMISSION_DENIED.withDescription("this API key may not serve work pool '" + pool + "'")
                    .asRuntimeException();
        }
    }
}
