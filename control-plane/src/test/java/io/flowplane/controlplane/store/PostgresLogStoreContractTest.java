package io.flowplane.controlplane.store;

import io.flowplane.controlplane.testing.EmbeddedPostgresHolder;

/** The log store contract on a real PostgreSQL: a fresh database of the JVM's embedded server. */
class PostgresLogStoreContractTest extends LogStoreContractTest {

    private EmbeddedPostgresHolder.Database database;

    @Override
    protected Database openDatabase() {
        database = EmbeddedPostgresHolder.freshDatabase("flowplane_log_store");
        return new Database(database.dataSource(), Dialect.POSTGRESQL);
    }

    @Override
    protected void closeDatabase() {
        if (database != null) {
            EmbeddedPostgresHolder.drop(database);
        }
    }
}
