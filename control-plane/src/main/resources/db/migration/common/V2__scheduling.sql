-- Scheduling: one row per schedule of a deployment, backfills, and the run columns that tie a run
-- to the schedule instant or backfill it came from.

-- spec is the schedule's JSON; fingerprint changes when anything that shapes its runs changes.
-- Instants up to cursor_at are materialised (or were passed over by catch-up). next_check_at is
-- when the scheduler next has work for this schedule; NULL while it or its deployment is paused.
CREATE TABLE schedules (
    id             UUID PRIMARY KEY,
    deployment_id  UUID         NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    name           VARCHAR(100) NOT NULL,
    spec           VARCHAR      NOT NULL,
    fingerprint    VARCHAR(64)  NOT NULL,
    active         BOOLEAN      NOT NULL,
    cursor_at      BIGINT       NOT NULL,
    next_check_at  BIGINT,
    created_at     BIGINT       NOT NULL,
    updated_at     BIGINT       NOT NULL,
    CONSTRAINT schedules_deployment_name UNIQUE (deployment_id, name)
);
CREATE INDEX schedules_due ON schedules (next_check_at);

CREATE TABLE backfills (
    id             UUID PRIMARY KEY,
    deployment_id  UUID         NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    request_hash   VARCHAR(64)  NOT NULL,
    range_from     BIGINT       NOT NULL,
    range_to       BIGINT       NOT NULL,
    schedule_name  VARCHAR(100),
    parameters     VARCHAR,
    max_active     INTEGER      NOT NULL,
    total          INTEGER      NOT NULL,
    state          VARCHAR(16)  NOT NULL,
    created_at     BIGINT       NOT NULL,
    ended_at       BIGINT,
    CONSTRAINT backfills_request UNIQUE (deployment_id, request_hash)
);
CREATE INDEX backfills_state ON backfills (state);

ALTER TABLE flow_runs ADD COLUMN schedule_id UUID;
ALTER TABLE flow_runs ADD COLUMN backfill_id UUID;
-- An unstarted run is cancelled as "skipped: late" from this instant on (deployment max lateness).
ALTER TABLE flow_runs ADD COLUMN skip_after BIGINT;
-- One run per schedule instant, whatever restarts, edits or replicas do.
ALTER TABLE flow_runs ADD CONSTRAINT flow_runs_schedule_instant UNIQUE (schedule_id, scheduled_at);
CREATE INDEX flow_runs_backfill ON flow_runs (backfill_id, state_type);
CREATE INDEX flow_runs_state_name ON flow_runs (state_name, next_at);
CREATE INDEX flow_runs_skip ON flow_runs (state_type, skip_after);
