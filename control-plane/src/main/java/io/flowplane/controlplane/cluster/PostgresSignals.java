package io.flowplane.controlplane.cluster;

import io.dropwizard.lifecycle.Managed;
import io.flowplane.controlplane.signals.InProcessSignals;
import io.flowplane.controlplane.signals.Signals;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@link Signals} across replicas on one PostgreSQL. Each signal is delivered to this process's
 * listeners at once (as {@link InProcessSignals} does) and published with NOTIFY for the others;
 * a listener thread on its own connection LISTENs and hands other replicas' signals to the same
 * listeners. A sender thread drains what accumulated while its previous NOTIFY was in flight into
 * one statement, so a burst of commits costs a few round trips, not one each.
 * <p>
 * Notifications are not durable: one sent while a replica's listening connection was down is
 * never delivered to it. So when that connection is (re)established, the listeners are told
 * {@link Signals.Listener#missedSignals()} and re-read what they serve (held polls claim again,
 * watchers and live lists re-read, command streams re-send pending cancels) — a missed wake-up
 * costs a re-read, never a poll timeout.
 */
public final class PostgresSignals implements Signals, Managed {
    static final String CHANNEL = "flowplane_signals";
    private static final Logger LOG = LoggerFactory.getLogger(PostgresSignals.class);
    private static final Duration RECONNECT_MIN = Duration.ofMillis(100);
    private static final Duration RECONNECT_MAX = Duration.ofSeconds(2);
    /**
     * How often the listener asks its connection a cheap query. A half-open connection (the
     * server or the network gone without a FIN) never delivers a notification nor an error, so
     * waiting for notifications alone would never notice it, and missed signals would never be
     * recovered; the query fails within the network timeout instead.
     */
    static final Duration LISTENER_CHECK_EVERY = Duration.ofSeconds(5);

    /** Opens a new connection to the database (not from the pool: these are held for good). */
    public interface ConnectionSource {
        Connection open() throws SQLException;
    }

    private final InProcessSignals local = new InProcessSignals();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ConnectionSource connections;
    private final String replicaId;
    private final BlockingQueue<SignalCodec.Item> outbox = new LinkedBlockingQueue<>();
    private volatile boolean running;
    private Thread sender;
    private Thread receiver;

    public PostgresSignals(ConnectionSource connections, String replicaId) {
        this.connections = connections;
        this.replicaId = replicaId;
    }

    public String replicaId() {
        return replicaId;
    }

    @Override
    public void subscribe(Listener listener) {
        listeners.add(listener);
        local.subscribe(listener);
    }

    @Override
    public void poolChanged(UUID poolId) {
        if (poolId != null) {
            local.poolChanged(poolId);
            outbox.add(SignalCodec.Item.pool(poolId));
        }
    }

    @Override
    public void runUpdated(UUID runId) {
        local.runUpdated(runId);
        outbox.add(SignalCodec.Item.run(runId));
    }

    @Override
    public void cancelRequested(UUID runId, String agentId) {
        if (agentId != null) {
            local.cancelRequested(runId, agentId);
            outbox.add(SignalCodec.Item.cancel(runId, agentId));
        }
    }

    @Override
    public void eventsPublished() {
        local.eventsPublished();
        outbox.add(SignalCodec.Item.EVENTS); // a burst of commits travels as one item
    }

    @Override
    public void start() {
        running = true;
        sender = daemon("flowplane-signals-send", this::sendLoop);
        receiver = daemon("flowplane-signals-listen", this::listenLoop);
    }

    @Override
    public void stop() throws InterruptedException {
        running = false;
        sender.interrupt(); // waits on the queue only, never inside JDBC
        sender.join(5_000);
        receiver.join(5_000);
    }

    // ------------------------------------------------------------------ sending

    private void sendLoop() {
        Connection conn = null;
        Duration backoff = RECONNECT_MIN;
        while (running) {
            Set<SignalCodec.Item> batch = new LinkedHashSet<>();
            try {
                batch.add(outbox.take());
            } catch (InterruptedException e) {
                break;
            }
            List<SignalCodec.Item> more = new ArrayList<>();
            outbox.drainTo(more);
            batch.addAll(more); // also collapses repeats of one signal
            try {
                if (conn == null) {
                    conn = connections.open();
                    conn.setAutoCommit(true);
                    withNetworkTimeout(conn);
                }
                publish(conn, batch);
                backoff = RECONNECT_MIN;
            } catch (SQLException e) {
                // These signals are lost for the other replicas; each of them re-reads when its
                // own listening connection comes back, and a live one still has its poll timers.
                LOG.warn("could not publish {} signals to other replicas: {}", batch.size(), e.getMessage());
                close(conn);
                conn = null;
                if (!pause(backoff)) {
                    break;
                }
                backoff = min(backoff.multipliedBy(2), RECONNECT_MAX);
            }
        }
        close(conn);
    }

    private void publish(Connection conn, Set<SignalCodec.Item> batch) throws SQLException {
        List<String> payloads = SignalCodec.encode(replicaId, batch);
        try (PreparedStatement ps = conn.prepareStatement("SELECT pg_notify('" + CHANNEL + "', ?)")) {
            for (String payload : payloads) {
                ps.setString(1, payload);
                ps.execute();
            }
        }
    }

    // ------------------------------------------------------------------ receiving

    private void listenLoop() {
        Duration backoff = RECONNECT_MIN;
        while (running) {
            try (Connection conn = connections.open()) {
                withNetworkTimeout(conn);
                try (Statement st = conn.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                }
                backoff = RECONNECT_MIN;
                // Whatever was sent before LISTEN took effect is not coming: re-read instead.
                listeners.forEach(Listener::missedSignals);
                PGConnection pg = conn.unwrap(PGConnection.class);
                long nextCheck = System.nanoTime() + LISTENER_CHECK_EVERY.toNanos();
                while (running) {
                    PGNotification[] received = pg.getNotifications(500);
                    if (received != null) {
                        for (PGNotification n : received) {
                            deliver(n.getParameter());
                        }
                    }
                    if (System.nanoTime() - nextCheck > 0) {
                        check(conn);
                        nextCheck = System.nanoTime() + LISTENER_CHECK_EVERY.toNanos();
                    }
                }
            } catch (SQLException e) {
                if (running) {
                    LOG.warn("listening for other replicas' signals failed, reconnecting: {}", e.getMessage());
                }
            }
            if (running && !pause(backoff)) {
                break;
            }
            backoff = min(backoff.multipliedBy(2), RECONNECT_MAX);
        }
    }

    /** A round trip on the listening connection; throws when it is dead. */
    private static void check(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("SELECT 1");
        }
    }

    /** Bounds every round trip on a held connection (pgjdbc applies it as the socket timeout). */
    private static void withNetworkTimeout(Connection conn) throws SQLException {
        conn.setNetworkTimeout(Runnable::run, (int) SessionSettings.CLIENT_NETWORK_TIMEOUT.toMillis());
    }

    private void deliver(String payload) {
        SignalCodec.Decoded decoded;
        try {
            decoded = SignalCodec.decode(payload);
        } catch (IllegalArgumentException e) {
            LOG.warn("ignoring a notification on {} this version cannot read: {}", CHANNEL, e.getMessage());
            return;
        }
        if (decoded.origin().equals(replicaId)) {
            return; // delivered locally when it was sent
        }
        for (SignalCodec.Item item : decoded.items()) {
            switch (item.kind()) {
                case 'p' -> local.poolChanged(item.id());
                case 'r' -> local.runUpdated(item.id());
                case 'c' -> local.cancelRequested(item.id(), item.agentId());
                case 'e' -> local.eventsPublished();
                default -> LOG.warn("ignoring an unknown signal kind '{}'", item.kind());
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private boolean pause(Duration d) {
        try {
            TimeUnit.MILLISECONDS.sleep(d.toMillis());
            return running;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // a broken connection closes with an error; nothing to do about it
            }
        }
    }
}
