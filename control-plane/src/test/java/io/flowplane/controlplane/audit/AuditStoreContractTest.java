package io.flowplane.controlplane.audit;

import io.flowplane.controlplane.model.AuditEvent;
import io.flowplane.controlplane.store.Dialect;
import io.flowplane.controlplane.store.Store;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit log's rows on each database: an anonymous event (null key id, which PostgreSQL takes
 * only as a typed null) and a keyed one round-trip, over-long text is cut to its column, pages
 * go newest first from a cursor, and the age cutoff deletes only older events.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AuditStoreContractTest {
    private static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");

    protected record Database(DataSource dataSource, Dialect dialect) {
    }

    protected abstract Database openDatabase() throws Exception;

    protected abstract void closeDatabase() throws Exception;

    private AuditLog log;

    @BeforeAll
    void open() throws Exception {
        Database db = openDatabase();
        log = new AuditLog(Store.open(db.dataSource(), db.dialect()));
    }

    @AfterAll
    void close() throws Exception {
        closeDatabase();
    }

    @Test
    void storesPagesAndDeletesByAge() {
        UUID key = UUID.randomUUID();
        log.record(new AuditEvent(null, T0, null, null, null, "rest", "GET", "/api/v1/flow-runs", 401, "refused",
                "127.0.0.1"));
        log.record(new AuditEvent(null, T0.plusSeconds(1), key, "ci", "admin", "rest", "POST",
                "/" + "x".repeat(1200), 201, "succeeded", "10.0.0.1"));
        log.record(new AuditEvent(null, T0.plusSeconds(2), key, "ci", "admin", "grpc", "Poll", "agent", 200,
                "succeeded", null));

        List<AuditEvent> all = log.page(null, 10);
        assertThat(all).extracting(AuditEvent::transport).containsExactly("grpc", "rest", "rest");
        AuditEvent anonymous = all.get(2);
        assertThat(anonymous.keyId()).isNull();
        assertThat(anonymous.at()).isEqualTo(T0);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(all.get(1).keyId()).isEqualTo(key);
        assertThat(all.get(1).resource()).hasSize(1000);
        assertThat(all.get(0).remoteAddress()).isNull();

        assertThat(log.page(all.get(0).id(), 1)).extracting(AuditEvent::id).containsExactly(all.get(1).id());
        assertThat(log.page(all.get(2).id(), 10)).isEmpty();

        assertThat(log.deleteBefore(T0.plusSeconds(1))).isEqualTo(1);
        assertThat(log.page(null, 10)).extracting(AuditEvent::id).containsExactly(all.get(0).id(), all.get(1).id());
    }
}
