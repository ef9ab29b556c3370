package io.flowplane.agent.dispatch;

import io.flowplane.agent.connection.ControlPlaneConnection;
import io.flowplane.agent.exec.RunSupervisor;
import io.flowplane.proto.v1.HeartbeatRequest;
import io.flowplane.proto.v1.HeartbeatResponse;
import io.flowplane.proto.v1.LostRun;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * One heartbeat: extends the leases of the runs the agent holds and applies the answer (runs to
 * cancel, runs no longer held). Scheduled at the interval the control plane asked for.
 */
public final class Heartbeats implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);

    private final ControlPlaneConnection connection;
    private final String agentId;
    private final Slots slots;
    private final RunSupervisor runs;
    private final Runnable reRegister;
    private int failures;

    public Heartbeats(ControlPlaneConnection connection, String agentId, Slots slots, RunSupervisor runs,
                      Runnable reRegister) {
        this.connection = connection;
        this.agentId = agentId;
        this.slots = slots;
        this.runs = runs;
        this.reRegister = reRegister;
    }

    @Override
    public void run() {
        try {
            var leases = runs.leases();
            HeartbeatResponse response = connection.agent(Duration.ofSeconds(10)).heartbeat(HeartbeatRequest.newBuilder()
                    .setAgentId(agentId).setFreeSlots(slots.free()).addAllRuns(leases).build());
            if (failures > 0) {
                LOG.info("heartbeats reach the control plane again");
            }
            failures = 0;
            response.getCancelRunIdsList().forEach(runs::cancel);
            for (LostRun lost : response.getLostRunsList()) {
                // The epoch this heartbeat asked about: a retry claimed meanwhile holds a newer one.
                long epoch = leases.stream().filter(l -> l.getRunId().equals(lost.getRunId()))
                        .mapToLong(l -> l.getLeaseEpoch()).findFirst().orElse(-1);
                runs.lost(lost.getRunId(), epoch, lost.getReason());
            }
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                LOG.warn("the control plane does not know this agent any more; registering again");
                reRegister.run();
            } else if (failures++ == 0) {
                LOG.warn("heartbeat failed: {}", e.getStatus());
            }
            connection.reconnectNow();
        } catch (RuntimeException e) {
            LOG.error("heartbeat failed", e);
        }
    }
}
