package io.flowplane.agent.exec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;

/**
 * The agent's side of its leases. A run's lease is certainly still valid on the control plane
 * until {@code basis + lease - margin}, where the basis is taken on the agent's monotonic clock
 * before the renewal was sent (the control plane extends from a later instant) — or, for a fresh
 * claim, when its poll was sent plus how long the control plane held the poll before claiming
 * (never when the answer arrived: an answer held up in the network arrives with its lease partly
 * or wholly used up; the agent renews such a claim within a second, see {@link #renewEarly}, and
 * does not start a claim whose lease may be over). The process tree gets SIGTERM
 * {@code fenceGrace} before that and SIGKILL at it, from the agent and, should the agent be gone,
 * from the run's watchdog, which reads the same deadlines from the run's {@code lease} file.
 */
final class LeaseKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

    /** The lease duration the control plane granted and the agent's safety settings (null: derived). */
    record Terms(Duration lease, Duration margin, Duration fenceGrace) {
        /** 1 s, at most a tenth of the lease: clock-rate drift, a stepped server clock, a claim's latency. */
        Duration effectiveMargin() {
            return margin != null ? margin : min(Duration.ofSeconds(1), lease.dividedBy(10));
        }

        /** 2 s, at most a fifth of the lease, at most the kill grace given. */
        Duration effectiveGrace(Duration killGrace) {
            return fenceGrace != null ? fenceGrace : min(min(Duration.ofSeconds(2), lease.dividedBy(5)), killGrace);
        }

        private static Duration min(Duration a, Duration b) {
            return a.compareTo(b) <= 0 ? a : b;
        }
    }

    private final Duration killGrace;
    private volatile Terms terms;
    private final Duration marginSetting;
    private final Duration graceSetting;

    LeaseKeeper(Duration killGrace, Duration marginSetting, Duration graceSetting) {
        this.killGrace = killGrace;
        this.marginSetting = marginSetting;
        this.graceSetting = graceSetting;
    }

    /** The control plane told the agent its lease duration (on registration). */
    void leaseDuration(Duration lease) {
        Terms t = new Terms(lease, marginSetting, graceSetting);
        if (this.terms == null || !this.terms.equals(t)) {
            LOG.info("leases of {} ms: a run whose lease the agent cannot renew gets SIGTERM {} ms and SIGKILL {} ms "
                            + "before the control plane could expire it", lease.toMillis(),
                    t.effectiveMargin().plus(t.effectiveGrace(killGrace)).toMillis(), t.effectiveMargin().toMillis());
        }
        this.terms = t;
    }

    boolean known() {
        return terms != null;
    }

    /** How long before a lease's safe end its work is told to stop (SIGTERM); null before the lease duration is known. */
    Duration fenceGrace() {
        Terms t = terms;
        return t == null ? null : t.effectiveGrace(killGrace);
    }

    /** The control plane granted or extended the run's lease from {@code basisNanos} on. */
    void granted(ActiveRun run, long basisNanos) {
        Terms t = terms;
        if (t == null) {
            return;
        }
        long until = basisNanos + t.lease().toNanos() - t.effectiveMargin().toNanos();
        if (run.leaseValidUntil != 0 && until - run.leaseValidUntil <= 0) {
            return;
        }
        run.leaseValidUntil = until;
        write(run);
    }

    /**
     * Whether a fresh claim needs a renewal sooner than the next heartbeat: when the lease
     * duration is not known yet, or half the lease or less is left of it on this agent's clock (an
     * answer that was long on its way, or a control plane that does not say when it claimed).
     * Otherwise the next beat renews it with more than half the lease to spare; asking for a beat
     * after every claim had made a busy agent beat every second, each beat rewriting the lease of
     * every run it held (on PostgreSQL more row writes than the runs' own claims and reports).
     */
    boolean renewEarly(ActiveRun run) {
        Terms t = terms;
        if (t == null || run.leaseValidUntil == 0) {
            return true;
        }
        return run.leaseValidUntil - System.nanoTime() <= t.lease().toNanos() / 2;
    }

    /** When the tree gets SIGTERM if the lease is not renewed by then. */
    long fenceAt(ActiveRun run) {
        Terms t = terms;
        long grace = t == null ? 0 : t.effectiveGrace(killGrace).toNanos();
        return run.leaseValidUntil - grace;
    }

    /** Writes the run's deadlines for its watchdog. */
    void write(ActiveRun run) {
        RunFiles files = run.files;
        if (files == null || run.leaseValidUntil == 0) {
            return;
        }
        try {
            files.writeLease(Uptime.atNanos(fenceAt(run)), Uptime.atNanos(run.leaseValidUntil));
        } catch (IOException e) {
            if (e instanceof java.nio.file.NoSuchFileException && !java.nio.file.Files.isDirectory(files.dir())) {
                return; // the run ended and its directory was removed before this late extension: no watchdog to tell
            }
            // The watchdog keeps the earlier deadline: it stops the run sooner, never later.
            LOG.warn("run {}: could not record its lease deadline: {}", run.id(), e.toString());
        }
    }
}
