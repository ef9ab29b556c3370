package io.flowplane.controlplane.audit;

import io.flowplane.controlplane.store.Store;

import java.time.Instant;
import java.util.List;

/** Stores and reads audit events; deletes old ones in small batches. */
public final class AuditLog {
    /** Rows per delete statement: each retention transaction stays short. */
    static final int DELETE_BATCH = 1000;
    private static final String COLUMNS =
            "at, key_id, key_name, role, transport, method, resource, status, outcome, remote_address";

    private final Store store;

    public AuditLog(Store store) {
        this.store = store;
    }

    public void record(AuditEvent e) {
        store.jdbi().useHandle(h -> h.createUpdate("INSERT INTO audit_events (" + COLUMNS + ") VALUES (:at, :keyId, "
                        + ":keyName, :role, :transport, :method, :resource, :status, :outcome, :remoteAddress)")
                .bind("at", e.at())
                .bind("keyId", e.keyId())
                .bind("keyName", cut(e.keyName(), 200))
                .bind("role", e.role())
                .bind("transport", e.transport())
                .bind("method", cut(e.method(), 16))
                .bind("resource", cut(e.resource(), 1000))
                .bind("status", e.status())
                .bind("outcome", e.outcome())
                .bind("remoteAddress", cut(e.remoteAddress(), 100))
                .execute());
    }

    /** Newest first, those older than {@code beforeId} (null: from the newest). */
    public List<AuditEvent> page(Long beforeId, int limit) {
        return store.jdbi().withHandle(h -> h.createQuery("SELECT id, " + COLUMNS + " FROM audit_events"
                        + (beforeId == null ? "" : " WHERE id < :before") + " ORDER BY id DESC FETCH FIRST :limit ROWS ONLY")
                .bind("before", beforeId)
                .bind("limit", limit)
                .map((rs, ctx) -> new AuditEvent(rs.getLong("id"), Instant.ofEpochMilli(rs.getLong("at")),
                        rs.getObject("key_id", java.util.UUID.class), rs.getString("key_name"), rs.getString("role"),
                        rs.getString("transport"), rs.getString("method"), rs.getString("resource"), rs.getInt("status"),
                        rs.getString("outcome"), rs.getString("remote_address")))
                .list());
    }

    /** Deletes events older than {@code cutoff}, a batch per transaction; returns how many. */
    public long deleteBefore(Instant cutoff) {
        long total = 0;
        int n;
        do {
            n = store.jdbi().withHandle(h -> h.createUpdate("DELETE FROM audit_events WHERE id IN (SELECT id FROM "
                            + "audit_events WHERE at < :cutoff ORDER BY at FETCH FIRST " + DELETE_BATCH + " ROWS ONLY)")
                    .bind("cutoff", cutoff)
                    .execute());
            total += n;
        } while (n == DELETE_BATCH);
        return total;
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
