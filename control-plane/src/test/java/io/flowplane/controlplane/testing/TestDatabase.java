package io.flowplane.controlplane.testing;

import io.dropwizard.db.DataSourceFactory;
import io.flowplane.controlplane.store.Dialect;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Assumptions;

import javax.sql.DataSource;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The database the end-to-end fixtures give a control plane: an H2 file under its data directory
 * (the default), or with {@code -Dflowplane.test.database=postgres} a database of its own in the
 * embedded PostgreSQL. This is the one place that property is read. Suites that build the
 * services on a bare data source instead of a whole control plane take it from {@link #open}.
 */
public final class TestDatabase {

    /** True when the end-to-end suites run on the embedded PostgreSQL instead of H2. */
    public static final boolean POSTGRES = "postgres".equals(System.getProperty("flowplane.test.database", "h2"));

    // Keyed by data directory: a test restarts a control plane on the same directory and must
    // find the data it left, as it would in the H2 file there. Never dropped: the embedded server
    // goes away with the test JVM.
    private static final Map<Path, EmbeddedPostgresHolder.Database> DATABASES = new ConcurrentHashMap<>();

    private TestDatabase() {
    }

    /** Points {@code database} at the database of {@code dataDir}. */
    public static void configure(DataSourceFactory database, Path dataDir) {
        database.setDriverClass(driverClass());
        database.setUrl(url(dataDir));
        database.setUser(user());
        database.setPassword("");
    }

    public static String driverClass() {
        return POSTGRES ? "org.postgresql.Driver" : "org.h2.Driver";
    }

    public static String user() {
        return POSTGRES ? "postgres" : "sa";
    }

    /** The JDBC URL of the database of {@code dataDir}; the same directory gives the same database. */
    public static String url(Path dataDir) {
        if (!POSTGRES) {
            return "jdbc:h2:file:" + dataDir.resolve("flowplane").toAbsolutePath()
                    + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000;DB_CLOSE_ON_EXIT=FALSE";
        }
        EmbeddedPostgresHolder.Database db = DATABASES.computeIfAbsent(dataDir.toAbsolutePath().normalize(),
                d -> EmbeddedPostgresHolder.freshDatabase("flowplane_e2e"));
        return EmbeddedPostgresHolder.postgres().getJdbcUrl("postgres", db.name());
    }

    /** A data source on the database of {@code dataDir} and its dialect, for suites without a whole control plane. */
    public static Pool open(Path dataDir) {
        if (!POSTGRES) {
            JdbcConnectionPool h2 = JdbcConnectionPool.create(url(dataDir), user(), "");
            return new Pool(h2, Dialect.H2, h2::dispose);
        }
        url(dataDir); // creates the database of dataDir on first use
        return new Pool(DATABASES.get(dataDir.toAbsolutePath().normalize()).dataSource(), Dialect.POSTGRESQL, () -> { });
    }

    /** An open data source; {@link #close} releases its connections (H2's pool; nothing to do on PostgreSQL). */
    public record Pool(DataSource dataSource, Dialect dialect, Runnable release) implements AutoCloseable {
        @Override
        public void close() {
            release.run();
        }
    }

    /** Skips the calling test on PostgreSQL: it checks something only H2 has, named by {@code why}. */
    public static void assumeH2(String why) {
        Assumptions.assumeTrue(!POSTGRES, () -> "H2 only: " + why);
    }
}
