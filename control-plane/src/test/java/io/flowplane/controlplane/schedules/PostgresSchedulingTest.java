package io.flowplane.controlplane.schedules;

import io.flowplane.controlplane.store.Dialect;
import io.flowplane.controlplane.testing.EmbeddedPostgresHolder;

import javax.sql.DataSource;

/** Scheduling on a real PostgreSQL (embedded), where several control planes may share a database. */
class PostgresSchedulingTest extends SchedulingContractTest {
    private EmbeddedPostgresHolder.Database database;

    @Override
    protected DataSource openDatabase() {
        database = EmbeddedPostgresHolder.freshDatabase("flowplane_scheduling");
        return database.dataSource();
    }

    @Override
    protected Dialect dialect() {
        return Dialect.POSTGRESQL;
    }

    @Override
    protected void closeDatabase() {
        if (database != null) {
            EmbeddedPostgresHolder.drop(database);
        }
    }
}
