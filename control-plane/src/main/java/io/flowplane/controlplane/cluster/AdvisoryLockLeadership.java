package io.flowplane.controlplane.cluster;

import io.dropwizard.lifecycle.Managed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Leadership among replicas by a PostgreSQL session-level advisory lock, held on a connection of
 * its own. The lock lives exactly as long as that session: when the leader dies or loses the
 * database, PostgreSQL ends its session and releases the lock, and the next replica to ask takes
 * it (each asks every background tick, so failover takes about one tick once the session is
 * gone). A leader checks its session on every ask, with a network timeout, so it stops doing
 * leader work as soon as it could have lost the lock. A cut-off leader's session is ended by the
 * server within {@link SessionSettings#SERVER_GIVES_UP_AFTER} (its keepalives), later than the
 * leader's own network timeout gives up, so two leaders do not overlap on a network split.
 */
public final class AdvisoryLockLeadership implements Leadership, Managed {
    /** "flowplan" in ASCII: one key for every Flowplane control plane on the database. */
    static final long LOCK_KEY = 0x666c6f77706c616eL;
    private static final Logger LOG = LoggerFactory.getLogger(AdvisoryLockLeadership.class);
    /**
     * How long a replica that lost its leader session waits before asking for the lock again. Its
     * own connection may be what failed (a network split on its side), and every other replica
     * asks about once a second, so one of those takes over rather than the replica that just
     * failed. Elapsed time, not the injected clock: it paces connections, not scheduling.
     */
    static final long STEP_DOWN_NANOS = java.time.Duration.ofSeconds(3).toNanos();
    private static final int NETWORK_TIMEOUT_MS = (int) SessionSettings.CLIENT_NETWORK_TIMEOUT.toMillis();

    private final PostgresSignals.ConnectionSource connections;
    private final String replicaId;
    private final ExecutorService timeouts = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "flowplane-leadership-timeout");
        t.setDaemon(true);
        return t;
    });
    private Connection session;
    private boolean leader;
    private long askAgainAt = System.nanoTime();

    public AdvisoryLockLeadership(PostgresSignals.ConnectionSource connections, String replicaId) {
        this.connections = connections;
        this.replicaId = replicaId;
    }

    @Override
    public synchronized boolean isLeader() {
        if (!leader && System.nanoTime() - askAgainAt < 0) {
            return false;
        }
        try {
            if (session == null) {
                session = connections.open();
                session.setAutoCommit(true);
                session.setNetworkTimeout(timeouts, NETWORK_TIMEOUT_MS);
            }
            boolean now = leader ? alive() : tryLock();
            if (now != leader) {
                LOG.info("replica {} {} the background work (scheduler, reaper, retention, automations)", replicaId,
                        now ? "now does" : "no longer does");
            }
            leader = now;
        } catch (SQLException e) {
            if (leader) {
                LOG.warn("replica {} lost its leader session, stopping background work: {}", replicaId, e.getMessage());
                askAgainAt = System.nanoTime() + STEP_DOWN_NANOS;
            }
            leader = false;
            closeSession();
        }
        return leader;
    }

    private boolean tryLock() throws SQLException {
        try (Statement st = session.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_try_advisory_lock(" + LOCK_KEY + ")")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private boolean alive() throws SQLException {
        try (Statement st = session.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
            return rs.next();
        }
    }

    @Override
    public void start() {
    }

    /** Ends the session, which releases the lock at once for the next replica. */
    @Override
    public synchronized void stop() {
        leader = false;
        closeSession();
        timeouts.shutdownNow();
    }

    private void closeSession() {
        if (session != null) {
            try {
                session.close();
            } catch (SQLException ignored) {
                // a broken session closes with an error; the database releases its lock anyway
            }
            session = null;
        }
    }
}
