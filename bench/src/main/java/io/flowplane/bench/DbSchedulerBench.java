package io.flowplane.bench;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.SchedulableInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import org.h2.jdbcx.JdbcConnectionPool;

import javax.sql.DataSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The peer: db-scheduler executing {@code n} one-shot no-op tasks, in this JVM, on its own H2 file
 * opened with exactly the URL options Flowplane ships (WRITE_DELAY=0: an acknowledged write
 * survives a kill -9). Timed the same way as Flowplane's runs/s: from the first task scheduled
 * (batches of {@code batch} through {@code scheduleBatch}) until every execution is completed and
 * its completion stored (db-scheduler deletes a one-shot task's row when it completes: the table
 * is empty).
 */
final class DbSchedulerBench {
    /** The settings used, printed with the figure. */
    record Settings(int threads, Duration pollingInterval, double lowerLimit, double upperLimit, boolean lockAndFetch) {
        @Override
        public String toString() {
            return "threads=" + threads + " pollingInterval=" + pollingInterval.toMillis() + "ms "
                    + (lockAndFetch ? "lock-and-fetch" : "fetch-and-lock-on-execute") + "(" + lowerLimit + ", "
                    + upperLimit + ") immediateExecution";
        }
    }

    static final Settings BEST = new Settings(32, Duration.ofMillis(10), 0.5, 6.0, false);

    private DbSchedulerBench() {
    }

    static double run(Path dir, int n, int batch, Settings s) throws Exception {
        String url = BenchControlPlane.databaseUrl(dir).replace(dir.resolve("flowplane").toAbsolutePath().toString(),
                dir.resolve("dbscheduler").toAbsolutePath().toString());
        JdbcConnectionPool pool = JdbcConnectionPool.create(url, "sa", "");
        pool.setMaxConnections(s.threads() + 8);
        try {
            // db-scheduler's PostgreSQL table, in H2's types.
            createTable(pool, "BLOB", "TIMESTAMP WITH TIME ZONE", "VARCHAR(100)");
            return run(pool, n, batch, s);
        } finally {
            pool.dispose();
        }
    }

    /** db-scheduler's table as its PostgreSQL schema defines it. */
    static void createPostgresTable(DataSource ds) throws Exception {
        createTable(ds, "BYTEA", "TIMESTAMP WITH TIME ZONE", "TEXT");
    }

    private static void createTable(DataSource ds, String blob, String time, String text) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE scheduled_tasks (task_name " + text + " NOT NULL, task_instance " + text + " NOT NULL, "
                    + "task_data " + blob + ", execution_time " + time + " NOT NULL, picked BOOLEAN NOT NULL, "
                    + "picked_by " + text + ", last_success " + time + ", last_failure " + time + ", "
                    + "consecutive_failures INT, last_heartbeat " + time + ", version BIGINT NOT NULL, "
                    + "priority SMALLINT, PRIMARY KEY (task_name, task_instance))");
            st.execute("CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time)");
            st.execute("CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat)");
            st.execute("CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC)");
        }
    }

    /** {@code n} one-shot no-op tasks on {@code pool}, whose scheduled_tasks table exists and is empty. */
    static double run(DataSource pool, int n, int batch, Settings s) throws Exception {
        AtomicLong executed = new AtomicLong();
        OneTimeTask<Void> noop = Tasks.oneTime("noop").execute((instance, ctx) -> executed.incrementAndGet());
        var builder = Scheduler.create(pool, noop).threads(s.threads()).pollingInterval(s.pollingInterval())
                .enableImmediateExecution().registerShutdownHook();
        builder = s.lockAndFetch() ? builder.pollUsingLockAndFetch(s.lowerLimit(), s.upperLimit())
                : builder.pollUsingFetchAndLockOnExecute(s.lowerLimit(), s.upperLimit());
        Scheduler scheduler = builder.build();
        scheduler.start();
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i += batch) {
                List<SchedulableInstance<?>> instances = new ArrayList<>();
                Instant now = Instant.now();
                for (int j = i; j < Math.min(n, i + batch); j++) {
                    instances.add(SchedulableInstance.of(noop.instance("t" + j), now));
                }
                scheduler.scheduleBatch(instances);
            }
            long scheduled = System.nanoTime();
            try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
                long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
                while (true) {
                    try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM scheduled_tasks")) {
                        rs.next();
                        if (rs.getLong(1) == 0 && executed.get() >= n) {
                            break;
                        }
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("db-scheduler did not finish: " + executed.get() + " of " + n);
                    }
                    Thread.sleep(10);
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Out.info("db-scheduler [%s]: %d tasks in %.2f s (scheduling took %.2f s), executed %d", s, n, seconds,
                    (scheduled - t0) / 1e9, executed.get());
            return n / seconds;
        } finally {
            scheduler.stop();
        }
    }
}
