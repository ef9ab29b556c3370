package io.flowplane.agent.dispatch;

import com.google.protobuf.util.Durations;
import io.flowplane.agent.connection.Backoff;
import io.flowplane.agent.connection.ControlPlaneConnection;
import io.flowplane.agent.exec.RunSupervisor;
import io.flowplane.proto.v1.ClaimedRun;
import io.flowplane.proto.v1.PollWorkRequest;
import io.flowplane.proto.v1.PollWorkResponse;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The long-poll loop. Whenever slots are free it reserves them all and sends a PollWork for that
 * many runs; the control plane answers at once with due runs or holds the call until work
 * arrives. Slots that free up while a poll is held start another poll at once, so no free slot
 * waits for a held call to come back. Failures back off exponentially with jitter.
 */
public final class Poller implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Poller.class);

    /** Who polls for what: agent id, pool, queues (empty: all), how long the server may hold a call. */
    public record Target(String agentId, String pool, List<String> queues, Duration pollWait) {
    }

    private final ControlPlaneConnection connection;
    private final Slots slots;
    private final RunSupervisor runs;
    private final Target target;
    private final Backoff backoff;
    private final Set<ClientCallStreamObserver<?>> outstanding = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;
    private long notBefore;

    public Poller(ControlPlaneConnection connection, Slots slots, RunSupervisor runs, Target target, Backoff backoff) {
        this.connection = connection;
        this.slots = slots;
        this.runs = runs;
        this.target = target;
        this.backoff = backoff;
    }

    @Override
    public void run() {
        try {
            while (!stopped) {
                awaitBackoff();
                int reserved = slots.reserveAll(Duration.ofMillis(500));
                if (reserved == 0) {
                    continue;
                }
                if (stopped) {
                    slots.release(reserved);
                    break;
                }
                poll(reserved);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void poll(int reserved) {
        PollWorkRequest request = PollWorkRequest.newBuilder().setAgentId(target.agentId()).setPool(target.pool())
                .addAllQueues(target.queues()).setMaxRuns(reserved)
                .setWait(Durations.fromMillis(target.pollWait().toMillis())).build();
        // No claim of this poll can be older than this: its lease started on the control plane later.
        long sent = System.nanoTime();
        connection.agentAsync(target.pollWait().plusSeconds(10)).pollWork(request, new ClientResponseObserver<PollWorkRequest, PollWorkResponse>() {
            private ClientCallStreamObserver<PollWorkRequest> call;
            private boolean answered;

            @Override
            public void beforeStart(ClientCallStreamObserver<PollWorkRequest> call) {
                this.call = call;
                outstanding.add(call);
            }

            @Override
            public void onNext(PollWorkResponse response) {
                answered = true;
                received(reserved, response.getRunsList(), sent);
            }

            @Override
            public void onError(Throwable t) {
                outstanding.remove(call);
                if (!answered) {
                    slots.release(reserved);
                }
                if (!stopped) {
                    failed(t);
                }
            }

            @Override
            public void onCompleted() {
                outstanding.remove(call);
                if (!answered) {
                    slots.release(reserved);
                }
            }
        });
    }

    private void received(int reserved, List<ClaimedRun> claimed, long sent) {
        long arrived = System.nanoTime();
        synchronized (this) {
            backoff.reset();
        }
        for (ClaimedRun run : claimed) {
            if (stopped) {
                runs.handBack(run);
            } else {
                runs.launch(run, leaseBasis(run, sent, arrived));
            }
        }
        slots.release(reserved - claimed.size());
    }

    /**
     * When the claim's lease started, on this agent's clock, never later than it did on the
     * control plane: the poll's send time plus how long the control plane held the poll before
     * claiming (it received the poll after it was sent). Not the answer's arrival: an answer held up
     * in the network (a partition that heals, a congested link) arrives with its lease partly or
     * wholly used up, and the run may already be retried elsewhere. An older control plane that
     * does not say: the send time.
     */
    static long leaseBasis(ClaimedRun run, long sentNanos, long arrivedNanos) {
        if (!run.hasClaimedAfter()) {
            return sentNanos;
        }
        long basis = sentNanos + Math.max(0, Durations.toNanos(run.getClaimedAfter()));
        return basis - arrivedNanos > 0 ? arrivedNanos : basis;
    }

    private synchronized void failed(Throwable t) {
        Duration pause = backoff.next();
        notBefore = System.nanoTime() + pause.toNanos();
        if (backoff.failures() == 1 || backoff.failures() % 20 == 0) {
            LOG.warn("polling pool {} failed: {}; retrying in {} ms", target.pool(), t.toString(), pause.toMillis());
        }
        slots.wakeUp();
    }

    private void awaitBackoff() throws InterruptedException {
        boolean waited = false;
        while (!stopped) {
            long wait;
            synchronized (this) {
                wait = notBefore - System.nanoTime();
            }
            if (wait <= 0) {
                break;
            }
            waited = true;
            Thread.sleep(Math.max(1, Math.min(100, wait / 1_000_000)));
        }
        if (waited) {
            connection.reconnectNow();
        }
    }

    /** Stops polling; held polls are cancelled (a claim that still arrives is handed back). */
    public void stop() {
        stopped = true;
        slots.wakeUp();
        outstanding.forEach(c -> c.cancel("agent stopping", null));
    }
}
