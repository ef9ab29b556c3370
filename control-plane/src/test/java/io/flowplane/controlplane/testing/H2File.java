package io.flowplane.controlplane.testing;

import io.flowplane.controlplane.store.Dialect;
import io.flowplane.controlplane.store.Store;
import org.h2.jdbcx.JdbcConnectionPool;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** A migrated store on a real H2 file (commits on every transaction, as the product's), for one test. */
public final class H2File implements AutoCloseable {
    private final JdbcConnectionPool pool;
    private final Store store;

    private H2File(JdbcConnectionPool pool) {
        this.pool = pool;
        this.store = Store.open(pool, Dialect.H2);
    }

    /** Opens (and migrates) {@code dir}/db. */
    public static H2File open(Path dir) {
        return new H2File(JdbcConnectionPool.create(
                "jdbc:h2:file:" + dir.resolve("db") + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000", "sa", ""));
    }

    public Store store() {
        return store;
    }

    /** Shuts the database down (so the file is closed) and releases the pool. */
    @Override
    public void close() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        } finally {
            pool.dispose();
        }
    }
}
