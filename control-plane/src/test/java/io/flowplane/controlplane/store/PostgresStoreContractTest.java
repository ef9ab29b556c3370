package io.flowplane.controlplane.store;

import io.flowplane.controlplane.testing.EmbeddedPostgresHolder;

/** The store contract on a real PostgreSQL: a fresh database of the JVM's embedded server. */
class PostgresStoreContractTest extends StoreContractTest {

    private EmbeddedPostgresHolder.Database database;

    @Override
    protected Database openDatabase() {
        database = EmbeddedPostgresHolder.freshDatabase("flowplane_store_contract");
        return new Database(database.dataSource(), Dialect.POSTGRESQL);
    }

    @Override
    protected void closeDatabase() {
        if (database != null) {
            EmbeddedPostgresHolder.drop(database);
        }
    }
}
