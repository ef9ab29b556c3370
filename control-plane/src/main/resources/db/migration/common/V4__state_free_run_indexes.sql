-- Indexes on flow_runs that do not move when a run changes state. Every index that contained
-- state_type or state_name was rewritten (a delete and an insert in its B-tree) on every
-- transition: seven on a claim, five on each later state. These are keyed instead on columns
-- that hold a value only while it matters, so a run leaves them once:
--   next_at          is set only while a run is SCHEDULED (when it becomes due), NULL after;
--   lease_expires_at is set only while a run is active (PENDING, RUNNING, PAUSED, CANCELLING).
-- Queries bound these columns from below (">= 0": instants are epoch milliseconds) so that the
-- index scan starts past the NULL entries on H2, which sorts NULLs first.
DROP INDEX flow_runs_due;
DROP INDEX flow_runs_pool_state;
DROP INDEX flow_runs_lease;
DROP INDEX flow_runs_agent;
DROP INDEX flow_runs_backfill;
DROP INDEX flow_runs_state_name;
DROP INDEX flow_runs_skip;

-- Rows written before this migration keep the invariants above.
UPDATE flow_runs SET next_at = NULL WHERE state_type <> 'SCHEDULED' AND next_at IS NOT NULL;
UPDATE flow_runs SET lease_expires_at = NULL
    WHERE state_type NOT IN ('PENDING', 'RUNNING', 'PAUSED', 'CANCELLING') AND lease_expires_at IS NOT NULL;

-- Claims: due runs of one queue in due order.
CREATE INDEX flow_runs_due ON flow_runs (queue_id, next_at);
-- The scheduler's passes over due runs of every queue (late, past max lateness, catch-up).
CREATE INDEX flow_runs_next ON flow_runs (next_at);
-- Active runs: the reaper's expired leases, slot counts, an agent's runs.
CREATE INDEX flow_runs_lease ON flow_runs (lease_expires_at);
CREATE INDEX flow_runs_backfill ON flow_runs (backfill_id);
