package io.flowplane.controlplane.grpc;

import io.flowplane.controlplane.services.Services;
import io.flowplane.controlplane.model.Permission;
import io.flowplane.controlplane.auth.Principal;
import io.flowplane.controlplane.events.RunEvent;
import io.flowplane.controlplane.model.FlowRun;
import io.flowplane.controlplane.model.WorkPool;
import io.flowplane.proto.v1.EventAck;
import io.flowplane.proto.v1.EventBatch;
import io.flowplane.proto.v1.RunEventsServiceGrpc;
import io.grpc.stub.StreamObserver;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Thin edge for batched run events: stored in one transaction, then acknowledged. */
final class RunEventsGrpcService extends RunEventsServiceGrpc.RunEventsServiceImplBase {
    private static final int MAX_EVENTS = 10_000;

    private final Services services;

    RunEventsGrpcService(Services services) {
        this.services = services;
    }

    @Override
    public void sendEvents(EventBatch batch, StreamObserver<EventAck> observer) {
        GrpcErrors.unary(observer, () -> {
            Principal principal = GrpcErrors.require(Permission.REPORT);
            if (batch.getSourceId().isEmpty() || batch.getSourceId().length() > 100) {
                throw GrpcErrors.invalid("source_id is required (at most 100 characters)");
            }
            if (batch.getEventsCount() > MAX_EVENTS) {
                throw GrpcErrors.invalid("a batch holds at most " + MAX_EVENTS + " events");
            }
            List<RunEvent> events = batch.getEventsList().stream().map(ProtoMapper::event).toList();
            return ProtoMapper.ack(services.execution().events().ingest(batch.getSourceId(), events, scope(principal)));
        });
    }

    /** A key limited to pools may only report on runs of those pools. */
    private Predicate<FlowRun> scope(Principal principal) {
        if (principal.pools().isEmpty()) {
            return run -> true;
        }
        Set<UUID> allowed = services.resources().pools().list().stream().filter(p -> principal.pools().contains(p.name()))
                .map(WorkPool::id).collect(Collectors.toSet());
        return run -> run.placement().poolId() != null && allowed.contains(run.placement().poolId());
    }
}
