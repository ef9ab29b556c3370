package io.flowplane.bench;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --only replicas}: control planes as a service, several replicas on one embedded
 * PostgreSQL (zonky; the server's defaults, so fsync and synchronous commit are on), all in this
 * JVM and on this machine's two cores:
 * <ul>
 *   <li>{@code replicas_dispatch_same_*}: dispatch on one replica alone;
 *       {@code replicas_dispatch_cross_*}: two replicas, the run created on one and the agent on the
 *       other (the wake-up crosses over LISTEN/NOTIFY);</li>
 *   <li>{@code replicas_runs_per_s_1/2/3}: the throughput case with 1, 2 and 3 replicas, runs created
 *       through the first, the agents spread over all;</li>
 *   <li>{@code replicas_db_scheduler_runs_per_s}: db-scheduler on the same PostgreSQL with its
 *       lock-and-fetch strategy (SELECT … FOR UPDATE SKIP LOCKED, its best there).</li>
 * </ul>
 * Each case gets a fresh database; each throughput case is preceded by an untimed round.
 */
final class Replicas {
    private Replicas() {
    }

    static void run(Path dir, Bench.Mode m) throws Exception {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(Files.createDirectories(dir.resolve("postgres"))).setCleanDataDirectory(true);
        if (PgStatements.enabled()) {
            builder.setServerConfig("shared_preload_libraries", "pg_stat_statements");
        }
        try (EmbeddedPostgres pg = builder.start()) {
            PgStatements.install(pg);
            int[] db = {0};
            java.util.function.Supplier<String> fresh = () -> {
                String name = "bench_" + db[0]++;
                try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
                    st.execute("CREATE DATABASE " + name);
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
                return name;
            };
            dispatch(pg, fresh, m);
            for (int replicas = 1; replicas <= 3; replicas++) {
                throughput(pg, fresh, replicas, m);
            }
            ManagedDataSource peer = pooled(pg.getJdbcUrl("postgres", fresh.get()));
            peer.start();
            try {
                DbSchedulerBench.createPostgresTable(peer);
                var settings = new DbSchedulerBench.Settings(32, java.time.Duration.ofMillis(10), 0.5, 4.0, true);
                // Untimed first: the table is emptied by the round itself (one-shot tasks are deleted when done).
                DbSchedulerBench.run(peer, m.dbSchedulerRuns(), m.createBatch(), settings);
                Out.metric("replicas_db_scheduler_runs_per_s",
                        DbSchedulerBench.run(peer, m.dbSchedulerRuns(), m.createBatch(), settings), "runs/s");
            } finally {
                peer.stop();
            }
        }
    }

    /**
     * db-scheduler's DataSource: the same pool a Flowplane replica gets (Dropwizard's
     * DataSourceFactory with its shipped defaults). zonky's own DataSource opens a new connection
     * for every operation, which would measure connection set-up rather than the scheduler.
     */
    private static ManagedDataSource pooled(String jdbcUrl) {
        DataSourceFactory factory = new DataSourceFactory();
        factory.setDriverClass("org.postgresql.Driver");
        factory.setUrl(jdbcUrl);
        factory.setUser("postgres");
        return factory.build(new MetricRegistry(), "db-scheduler");
    }

    private static void dispatch(EmbeddedPostgres pg, java.util.function.Supplier<String> fresh, Bench.Mode m)
            throws Exception {
        try (BenchControlPlane one = BenchControlPlane.onPostgres(pg.getJdbcUrl("postgres", fresh.get()))) {
            Scenarios.dispatch(one, one, m.dispatchWarmup(), m.dispatchRuns(), "replicas_dispatch_same");
        }
        String url = pg.getJdbcUrl("postgres", fresh.get());
        try (BenchControlPlane a = BenchControlPlane.onPostgres(url); BenchControlPlane b = BenchControlPlane.onPostgres(url)) {
            Scenarios.dispatch(a, b, m.dispatchWarmup(), m.dispatchRuns(), "replicas_dispatch_cross");
        }
    }

    private static void throughput(EmbeddedPostgres pg, java.util.function.Supplier<String> fresh, int count,
                                   Bench.Mode m) throws Exception {
        double rps = 0;
        for (int round = 0; round < 2; round++) {
            String url = pg.getJdbcUrl("postgres", fresh.get());
            List<BenchControlPlane> replicas = new ArrayList<>();
            try {
                for (int i = 0; i < count; i++) {
                    replicas.add(BenchControlPlane.onPostgres(url));
                }
                PgStatements.reset(pg);
                rps = Scenarios.throughput(replicas, m.runs(), m.createBatch(), m.agents(), m.slots());
                if (round == 1) {
                    PgStatements.print(pg, count + " replica(s), timed round");
                }
                Out.info("replicas: %d replica(s), %s round: %.0f runs/s", count, round == 0 ? "untimed" : "timed", rps);
            } finally {
                for (BenchControlPlane r : replicas) {
                    r.close();
                }
            }
        }
        Out.metric("replicas_runs_per_s_" + count, rps, "runs/s");
    }
}
