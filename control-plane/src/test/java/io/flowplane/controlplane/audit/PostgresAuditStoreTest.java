package io.flowplane.controlplane.audit;

import io.flowplane.controlplane.store.Dialect;
import io.flowplane.controlplane.testing.EmbeddedPostgresHolder;

/** The audit log on a real PostgreSQL (embedded). */
class PostgresAuditStoreTest extends AuditStoreContractTest {
    private EmbeddedPostgresHolder.Database database;

    @Override
    protected Database openDatabase() {
        database = EmbeddedPostgresHolder.freshDatabase("flowplane_audit");
        return new Database(database.dataSource(), Dialect.POSTGRESQL);
    }

    @Override
    protected void closeDatabase() {
        if (database != null) {
            EmbeddedPostgresHolder.drop(database);
        }
    }
}
