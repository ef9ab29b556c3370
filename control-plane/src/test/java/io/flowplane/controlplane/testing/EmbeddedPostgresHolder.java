package io.flowplane.controlplane.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * One embedded PostgreSQL per JVM, started on first use and stopped by a shutdown hook. Test
 * classes get their own database in it with {@link #freshDatabase(String)}.
 */
public final class EmbeddedPostgresHolder {

    private EmbeddedPostgresHolder() {
    }

    private static final class Lazy {
        static final EmbeddedPostgres POSTGRES = start();

        private static EmbeddedPostgres start() {
            try {
                EmbeddedPostgres pg = EmbeddedPostgres.builder()
                        // Enough for the claim threads of several test classes plus their fixtures.
                        .setServerConfig("max_connections", "200")
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        .start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        pg.close();
                    } catch (IOException ignored) {
                        // the JVM is exiting anyway
                    }
                }, "embedded-postgres-shutdown"));
                return pg;
            } catch (IOException e) {
                throw new UncheckedIOException("could not start embedded PostgreSQL", e);
            }
        }
    }

    public static EmbeddedPostgres postgres() {
        return Lazy.POSTGRES;
    }

    /** A database of its own, created empty, for one test class. */
    public static Database freshDatabase(String prefix) {
        String name = (prefix + "_" + UUID.randomUUID().toString().replace("-", "")).toLowerCase(Locale.ROOT);
        execute("CREATE DATABASE " + name);
        return new Database(name, postgres().getDatabase("postgres", name));
    }

    /** Drops a database made by {@link #freshDatabase(String)}, closing any connection left open. */
    public static void drop(Database database) {
        execute("DROP DATABASE IF EXISTS " + database.name() + " WITH (FORCE)");
    }

    private static void execute(String sql) {
        try (Connection c = postgres().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + " failed", e);
        }
    }

    /** A database in the embedded server: its name and a data source on it. */
    public record Database(String name, DataSource dataSource) {
    }
}
