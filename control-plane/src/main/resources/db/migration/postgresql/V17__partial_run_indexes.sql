-- PostgreSQL indexes NULLs: every new version of a flow_runs row (and every UPDATE of a run makes
-- one, and since indexed columns change none of them is a HOT update) got an entry in each of
-- these four indexes, although the column is NULL for most of a run's life: next_at is set only
-- while a run waits in SCHEDULED, lease_expires_at only while it is active (V4), backfill_id only
-- for backfill runs. All those NULL entries pile up at the right edge of their B-tree, where every
-- writer appends. As partial indexes they hold only the rows that set the column: the report
-- that ends a run now writes five index entries instead of nine. Every query that reads them
-- bounds the column ("next_at >= 0", "lease_expires_at >= 0", "backfill_id = :id"), which
-- implies IS NOT NULL, so the planner uses them as before. (H2 keeps V4's indexes: it rewrites
-- only the index entries whose key changed, and has no partial indexes.)
DROP INDEX flow_runs_due;
CREATE INDEX flow_runs_due ON flow_runs (queue_id, next_at) WHERE next_at IS NOT NULL;
DROP INDEX flow_runs_next;
CREATE INDEX flow_runs_next ON flow_runs (next_at) WHERE next_at IS NOT NULL;
DROP INDEX flow_runs_lease;
CREATE INDEX flow_runs_lease ON flow_runs (lease_expires_at) WHERE lease_expires_at IS NOT NULL;
DROP INDEX flow_runs_backfill;
CREATE INDEX flow_runs_backfill ON flow_runs (backfill_id) WHERE backfill_id IS NOT NULL;
