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
 * The heartbeat loop: each beat extends the leases of the runs the agent holds and applies the
 * answer (runs to cancel, runs no longer held); the leases it extended count as renewed from the
 * moment the beat was sent. Beats at the interval the control plane asked for, soon after a
 * claim that came with half its lease or less left ({@link #soon()}: at most one extra beat a
 * second), and every second while beats fail, so a control plane that is back is told about the
 * agent's runs before their leases run out.
 */
public final class Heartbeats implements Runnable {
    private static final long RETRY_MILLIS = 1000;
    /**
     * Renewals asked for by claims wait until this long after the previous beat: under a stream of
     * claims one beat renews them all, instead of one beat (a transaction locking every lease the
     * agent holds) per claim. Safe because a fresh claim's lease counts from when it arrived, and the
     * lease margin absorbs the claim's latency (see LeaseKeeper).
     */
    private static final long SOON_GAP_MILLIS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);

    private final ControlPlaneConnection connection;
    private final String agentId;
    private final Slots slots;
    private final RunSupervisor runs;
    private final Runnable reRegister;
    private final long everyMillis;
    private final long soonGapMillis;
    private final Object wake = new Object();
    private boolean due;
    private volatile boolean stopped;
    private volatile int failures;
    private volatile boolean succeeded;

    public Heartbeats(ControlPlaneConnection connection, String agentId, Slots slots, RunSupervisor runs,
                      Runnable reRegister, Duration every) {
        this.everyMillis = Math.max(100, every.toMillis());
        this.soonGapMillis = Math.min(everyMillis, SOON_GAP_MILLIS);
        this.connection = connection;
        this.agentId = agentId;
        this.slots = slots;
        this.runs = runs;
        this.reRegister = reRegister;
    }

    /** Whether the last heartbeat (which renews every lease the agent holds) reached the control plane. */
    public boolean renewing() {
        return succeeded && failures == 0;
    }

    @Override
    public void run() {
        while (!stopped) {
            boolean ok = beat();
            long beatAt = System.nanoTime();
            long interval = ok ? everyMillis : Math.min(everyMillis, RETRY_MILLIS);
            synchronized (wake) {
                try {
                    while (!stopped) {
                        long elapsed = (System.nanoTime() - beatAt) / 1_000_000;
                        long left = (due ? Math.min(interval, soonGapMillis) : interval) - elapsed;
                        if (left <= 0) {
                            break;
                        }
                        wake.wait(left);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                due = false;
            }
        }
    }

    /** Asks for a beat now (a run was claimed with little of its lease left: it gets a renewal basis at once). */
    public void soon() {
        synchronized (wake) {
            due = true;
            wake.notifyAll();
        }
    }

    public void stop() {
        stopped = true;
        soon();
    }

    /** One heartbeat; false if it did not reach the control plane. */
    boolean beat() {
        try {
            var leases = runs.leases();
            long sent = System.nanoTime();
            HeartbeatResponse response = connection.agent(Duration.ofSeconds(10)).heartbeat(HeartbeatRequest.newBuilder()
                    .setAgentId(agentId).setFreeSlots(slots.free()).addAllRuns(leases).build());
            if (failures > 0) {
                LOG.info("heartbeats reach the control plane again");
            }
            failures = 0;
            succeeded = true;
            java.util.Set<String> lostIds = new java.util.HashSet<>();
            response.getLostRunsList().forEach(l -> lostIds.add(l.getRunId()));
            runs.renewed(leases.stream().filter(l -> !lostIds.contains(l.getRunId())).toList(), sent);
            response.getCancelRunIdsList().forEach(runs::cancel);
            for (LostRun lost : response.getLostRunsList()) {
                // The epoch this heartbeat asked about: a retry claimed meanwhile holds a newer one.
                long epoch = leases.stream().filter(l -> l.getRunId().equals(lost.getRunId()))
                        .mapToLong(l -> l.getLeaseEpoch()).findFirst().orElse(-1);
                runs.lost(lost.getRunId(), epoch, lost.getReason());
            }
            return true;
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                LOG.warn("the control plane does not know this agent any more; registering again");
                reRegister.run();
            } else if (failures++ == 0) {
                LOG.warn("heartbeat failed: {}", e.getStatus());
            }
            connection.reconnectNow();
            return false;
        } catch (RuntimeException e) {
            LOG.error("heartbeat failed", e);
            return false;
        }
    }
}
