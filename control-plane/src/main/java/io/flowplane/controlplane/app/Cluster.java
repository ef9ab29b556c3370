package io.flowplane.controlplane.app;

import io.dropwizard.core.setup.Environment;
import io.dropwizard.db.DataSourceFactory;
import io.flowplane.controlplane.cluster.AdvisoryLockLeadership;
import io.flowplane.controlplane.cluster.Leadership;
import io.flowplane.controlplane.cluster.PostgresSignals;
import io.flowplane.controlplane.cluster.SessionSettings;
import io.flowplane.controlplane.signals.InProcessSignals;
import io.flowplane.controlplane.signals.Signals;
import io.flowplane.controlplane.store.Dialect;

import java.sql.DriverManager;
import java.util.Properties;
import java.util.UUID;

/**
 * How this control plane shares the database with other replicas: on PostgreSQL, signals over
 * LISTEN/NOTIFY and background work led by an advisory lock; on H2 (one process by construction),
 * in-process signals and always the leader.
 */
record Cluster(Signals signals, Leadership leadership, String replicaId) {

    static Cluster of(Dialect dialect, DataSourceFactory database, Environment env) {
        if (dialect != Dialect.POSTGRESQL) {
            return new Cluster(new InProcessSignals(), Leadership.SINGLE_PROCESS, "single");
        }
        String replicaId = UUID.randomUUID().toString().substring(0, 8);
        PostgresSignals.ConnectionSource connections = () -> {
            Properties props = new Properties();
            props.putAll(database.getProperties());
            if (database.getUser() != null) {
                props.setProperty("user", database.getUser());
            }
            if (database.getPassword() != null) {
                props.setProperty("password", database.getPassword());
            }
            props.setProperty("ApplicationName", "flowplane-" + replicaId);
            return DriverManager.getConnection(database.getUrl(), SessionSettings.withKeepalives(props));
        };
        PostgresSignals signals = new PostgresSignals(connections, replicaId);
        AdvisoryLockLeadership leadership = new AdvisoryLockLeadership(connections, replicaId);
        env.lifecycle().manage(signals);
        env.lifecycle().manage(leadership);
        return new Cluster(signals, leadership, replicaId);
    }
}
