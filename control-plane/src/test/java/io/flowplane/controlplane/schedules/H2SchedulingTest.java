package io.flowplane.controlplane.schedules;

import io.flowplane.controlplane.store.Dialect;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

/** Scheduling on an H2 file, opened with the durability settings Flowplane ships. */
class H2SchedulingTest extends SchedulingContractTest {
    @TempDir
    static Path dir;

    private JdbcConnectionPool pool;

    @Override
    protected DataSource openDatabase() {
        pool = JdbcConnectionPool.create("jdbc:h2:file:" + dir.toAbsolutePath().resolve("db")
                + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE", "sa", "");
        pool.setMaxConnections(20);
        return pool;
    }

    @Override
    protected Dialect dialect() {
        return Dialect.H2;
    }

    @Override
    protected void closeDatabase() throws Exception {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        } finally {
            pool.dispose();
        }
    }
}
