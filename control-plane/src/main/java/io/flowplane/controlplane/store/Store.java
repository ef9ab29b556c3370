package io.flowplane.controlplane.store;

import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.AbstractArgumentFactory;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.jdbi.v3.core.extension.Extensions;
import org.jdbi.v3.sqlobject.SqlObjectFactory;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import io.flowplane.controlplane.model.*;

import javax.sql.DataSource;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** The database: migrated schema, a configured Jdbi, and the claim statements for its dialect. */
public final class Store {
    private final Jdbi jdbi;
    private final Dialect dialect;
    private final ClaimDao claimDao;

    private Store(Jdbi jdbi, Dialect dialect) {
        this.jdbi = jdbi;
        this.dialect = dialect;
        this.claimDao = dialect == Dialect.H2 ? new H2ClaimDao() : new PostgresClaimDao();
    }

    /** Migrates the schema and configures {@code jdbi} (which must sit on {@code dataSource}). */
    public static Store open(DataSource dataSource, Jdbi jdbi, Dialect dialect) {
        migrate(dataSource, dialect);
        configure(jdbi);
        return new Store(jdbi, dialect);
    }

    /** For tests and tools that have only a data source. */
    public static Store open(DataSource dataSource, Dialect dialect) {
        Jdbi jdbi = Jdbi.create(dataSource);
        jdbi.installPlugin(new SqlObjectPlugin());
        return open(dataSource, jdbi, dialect);
    }

    static void migrate(DataSource dataSource, Dialect dialect) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration/common", "classpath:db/migration/" + dialect.migrationFolder())
                .failOnMissingLocations(false)
                // Migrations SQL cannot express portably; found by version like the SQL files.
                .javaMigrations(new V3_1__Logs_into_chunks(), new V16__Run_state_events_from_history())
                .load()
                .migrate();
    }

    private static void configure(Jdbi jdbi) {
        // Instants are epoch milliseconds in BIGINT columns: identical on H2 and PostgreSQL and
        // immune to the JVM's default time zone.
        jdbi.registerArgument(new InstantArgumentFactory());
        // A null UUID must still be typed as a UUID, or PostgreSQL refuses it for uuid columns.
        jdbi.registerArgument(new UuidArgumentFactory());
        jdbi.registerColumnMapper(Instant.class, (rs, col, ctx) -> {
            long v = rs.getLong(col);
            return rs.wasNull() ? null : Instant.ofEpochMilli(v);
        });
        jdbi.registerColumnMapper(UUID.class, (rs, col, ctx) -> rs.getObject(col, UUID.class));
        for (Class<?> row : List.of(WorkPool.class, WorkQueue.class, Deployment.class,
                RunStateRecord.class, LogChunk.class, Artifact.class, Agent.class, ApiKey.class,
                ClaimDao.Candidate.class, FlowRunDao.ActiveCount.class,
                DeploymentDao.DeploymentLimit.class, Schedule.class, Backfill.class, BackfillDao.StateCount.class,
                FlowRunDao.DueRun.class, FlowRunDao.Overdue.class)) {
            jdbi.registerRowMapper(ConstructorMapper.factory(row));
        }
        jdbi.registerRowMapper(FlowRun.class, new FlowRunMapper());
        jdbi.registerRowMapper(TaskRun.class, new TaskRunMapper());
        warmSqlObjects(jdbi);
    }

    /**
     * Jdbi builds an SQL object's metadata (a handler per method) on its first attach and caches it
     * in the configuration it attached through. A handle works on a copy of the Jdbi's
     * configuration, so unless the Jdbi's own cache holds the metadata, every handle (every
     * transaction) builds it again: in a profile of log ingestion that was a quarter of the
     * ingesting thread. Built once here, it is in the cache every handle copies.
     */
    private static void warmSqlObjects(Jdbi jdbi) {
        Extensions extensions = jdbi.getConfig(Extensions.class);
        extensions.findFactory(SqlObjectFactory.class).ifPresent(factory -> {
            // AuditDao: attached once per audited request.
            for (Class<?> dao : List.of(AgentDao.class, ApiKeyDao.class, AuditDao.class, BackfillDao.class,
                    DeploymentDao.class, EventSourceDao.class, FlowRunDao.class, ReportDao.class, ScheduleDao.class,
                    WorkPoolDao.class)) {
                extensions.findMetadata(dao, factory);
            }
        });
    }

    /**
     * For tests and tools (the bench) that inspect the database directly. Production code goes
     * through this class, its DAOs and {@link UnitOfWork}; StoreBoundaryTest fails on any use of
     * this outside {@code store/}.
     */
    public Jdbi jdbi() {
        return jdbi;
    }

    /** One page of the runs list; see {@link RunListQuery}. */
    public List<FlowRun> runs(RunListQuery query, int limit) {
        return jdbi.withHandle(h -> query.fetch(h, limit));
    }

    /** Lines of a run after sequence {@code after}, oldest first; see {@link LogStore#read}. */
    public List<LogLine> logs(UUID runId, long after, int limit) {
        return jdbi.withHandle(h -> LogStore.read(h, runId, after, limit));
    }

    /** One page of the event log; see {@link EventQueries#page}. */
    public List<EventEntry> events(EventQueries.Filter filter) {
        return jdbi.withHandle(h -> EventQueries.page(h, filter));
    }

    /** See {@link EventQueries#newestIds}. */
    public List<Long> newestEventIds(long after, int limit) {
        return jdbi.withHandle(h -> EventQueries.newestIds(h, after, limit));
    }

    /**
     * Runs {@code work} in one transaction, then, only if it committed, the hooks it registered
     * (once). An exception rolls the transaction back and no hook runs.
     */
    public <T> T inTransaction(Function<UnitOfWork, T> work) {
        UnitOfWork[] unit = new UnitOfWork[1];
        T result;
        try {
            result = jdbi.inTransaction(h -> {
                unit[0] = new UnitOfWork(h);
                return work.apply(unit[0]);
            });
        } catch (RuntimeException | Error e) {
            if (unit[0] != null) {
                unit[0].rolledBack();
            }
            throw e;
        }
        unit[0].committed();
        return result;
    }

    /**
     * Calls {@code work} with a {@code type} DAO outside a transaction: each statement commits on
     * its own, as with Jdbi's {@code withExtension}. For reads and single writes; statements that
     * must commit together go through {@link #inTransaction}.
     */
    public <D, T> T withDao(Class<D> type, Function<D, T> work) {
        return jdbi.withExtension(type, work::apply);
    }

    /** {@link #withDao} without a result. */
    public <D> void useDao(Class<D> type, java.util.function.Consumer<D> work) {
        jdbi.useExtension(type, work::accept);
    }

    /**
     * Whether any unpaused queue of the pool has a run due at {@code now}, read without locks (true
     * when the pool has no queues: it is gone or replaced, which the claim then finds out).
     */
    public boolean anyDue(UUID poolId, Instant now) {
        return jdbi.withHandle(h -> {
            List<WorkQueue> queues = WorkPoolDao.queuesOn(h, poolId);
            return queues.isEmpty() || queues.stream().anyMatch(q -> !q.paused() && FlowRunDao.anyDueOn(h, q.id(), now));
        });
    }

    /** When the pool's next run falls due after {@code now}, if any is scheduled. */
    public java.util.Optional<Instant> nextDue(UUID poolId, Instant now) {
        return jdbi.withHandle(h -> WorkPoolDao.queuesOn(h, poolId).stream()
                .map(q -> FlowRunDao.nextDueOn(h, q.id(), now))
                .flatMap(java.util.Optional::stream)
                .min(Instant::compareTo));
    }

    /** {@link #inTransaction} without a result. */
    public void useTransaction(java.util.function.Consumer<UnitOfWork> work) {
        inTransaction(u -> {
            work.accept(u);
            return null;
        });
    }

    public Dialect dialect() {
        return dialect;
    }

    public ClaimDao claimDao() {
        return claimDao;
    }

    private static final class InstantArgumentFactory extends AbstractArgumentFactory<Instant> {
        InstantArgumentFactory() {
            super(Types.BIGINT);
        }

        @Override
        protected Argument build(Instant value, ConfigRegistry config) {
            return (position, statement, ctx) -> statement.setLong(position, value.toEpochMilli());
        }
    }

    private static final class UuidArgumentFactory extends AbstractArgumentFactory<UUID> {
        UuidArgumentFactory() {
            super(Types.OTHER);
        }

        @Override
        protected Argument build(UUID value, ConfigRegistry config) {
            return (position, statement, ctx) -> statement.setObject(position, value);
        }
    }
}
