package io.flowplane.controlplane.audit;

import io.flowplane.controlplane.store.Dialect;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

/** The audit log on an H2 file database. */
class H2AuditStoreTest extends AuditStoreContractTest {
    @TempDir
    static Path dir;

    private JdbcConnectionPool pool;

    @Override
    protected Database openDatabase() {
        pool = JdbcConnectionPool.create("jdbc:h2:file:" + dir.toAbsolutePath().resolve("db")
                + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE", "sa", "");
        return new Database(pool, Dialect.H2);
    }

    @Override
    protected void closeDatabase() throws Exception {
        if (pool == null) {
            return;
        }
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        } finally {
            pool.dispose();
        }
    }
}
