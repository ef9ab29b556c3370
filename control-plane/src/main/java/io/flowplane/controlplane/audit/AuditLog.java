package io.flowplane.controlplane.audit;

import io.flowplane.controlplane.model.AuditEvent;
import io.flowplane.controlplane.store.AuditDao;
import io.flowplane.controlplane.store.Store;

import java.time.Instant;
import java.util.List;

/** Stores and reads audit events; deletes old ones in small batches. */
public final class AuditLog {
    /** Rows per delete statement: each retention transaction stays short. */
    static final int DELETE_BATCH = AuditDao.DELETE_BATCH;

    private final Store store;

    public AuditLog(Store store) {
        this.store = store;
    }

    public void record(AuditEvent e) {
        AuditEvent stored = new AuditEvent(e.id(), e.at(), e.keyId(), cut(e.keyName(), 200), e.role(), e.transport(),
                cut(e.method(), 16), cut(e.resource(), 1000), e.status(), e.outcome(), cut(e.remoteAddress(), 100));
        store.useDao(AuditDao.class, dao -> dao.insert(stored));
    }

    /** Newest first, those older than {@code beforeId} (null: from the newest). */
    public List<AuditEvent> page(Long beforeId, int limit) {
        return store.withDao(AuditDao.class, dao -> beforeId == null ? dao.newest(limit) : dao.before(beforeId, limit));
    }

    /** Deletes events older than {@code cutoff}, a batch per transaction; returns how many. */
    public long deleteBefore(Instant cutoff) {
        long total = 0;
        int n;
        do {
            n = store.withDao(AuditDao.class, dao -> dao.deleteBatchBefore(cutoff));
            total += n;
        } while (n == DELETE_BATCH);
        return total;
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
