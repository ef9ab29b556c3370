package io.flowplane.controlplane.store;

import io.flowplane.controlplane.testing.EmbeddedPostgresHolder;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcConnectionPool;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

/** Fresh databases of each dialect for upgrade tests: migrated to an older version, then upgraded by the test. */
final class UpgradeDatabases {
    private UpgradeDatabases() {
    }

    interface Upgrade {
        void run(DataSource dataSource, Dialect dialect) throws Exception;
    }

    /** An H2 file under {@code dir}, shut down afterwards. */
    static void onH2(Path dir, Upgrade upgrade) throws Exception {
        JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:file:" + dir.resolve("db")
                + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE", "sa", "");
        try {
            upgrade.run(pool, Dialect.H2);
        } finally {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN");
            }
            pool.dispose();
        }
    }

    /** A fresh database of the embedded PostgreSQL, dropped afterwards. */
    static void onPostgres(String name, Upgrade upgrade) throws Exception {
        EmbeddedPostgresHolder.Database db = EmbeddedPostgresHolder.freshDatabase(name);
        try {
            upgrade.run(db.dataSource(), Dialect.POSTGRESQL);
        } finally {
            EmbeddedPostgresHolder.drop(db);
        }
    }

    /** Applies the shipped migrations up to and including {@code version}, as an older release left them. */
    static void migrateTo(DataSource ds, Dialect dialect, String version) {
        Flyway.configure().dataSource(ds)
                .locations("classpath:db/migration/common", "classpath:db/migration/" + dialect.migrationFolder())
                .failOnMissingLocations(false).javaMigrations(new V3_1__Logs_into_chunks()).target(version).load()
                .migrate();
    }
}
