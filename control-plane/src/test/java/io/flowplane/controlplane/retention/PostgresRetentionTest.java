package io.flowplane.controlplane.retention;

import io.flowplane.controlplane.store.Dialect;
import io.flowplane.controlplane.testing.EmbeddedPostgresHolder;

/** Retention on a real PostgreSQL (embedded). */
class PostgresRetentionTest extends RetentionContractTest {
    private EmbeddedPostgresHolder.Database database;

    @Override
    protected Database openDatabase() {
        database = EmbeddedPostgresHolder.freshDatabase("flowplane_retention");
        return new Database(database.dataSource(), Dialect.POSTGRESQL);
    }

    @Override
    protected void closeDatabase() {
        if (database != null) {
            EmbeddedPostgresHolder.drop(database);
        }
    }
}
