-- Automations: a trigger (an event pattern, optionally counted in a window, or the absence of one)
-- and actions. spec is the definition's JSON. enabled_at is when the automation last became
-- enabled: an absence trigger counts its first window from there.
CREATE TABLE automations (
    id           UUID PRIMARY KEY,
    name         VARCHAR(200) NOT NULL UNIQUE,
    enabled      BOOLEAN      NOT NULL,
    spec         VARCHAR      NOT NULL,
    created_at   BIGINT       NOT NULL,
    updated_at   BIGINT       NOT NULL,
    enabled_at   BIGINT       NOT NULL
);

-- How far the evaluator has read the event log. Advanced in the transaction that records the
-- firings of the events it read, so each event is evaluated exactly once, across restarts.
CREATE TABLE automation_cursors (
    name      VARCHAR(50) PRIMARY KEY,
    position  BIGINT      NOT NULL
);
INSERT INTO automation_cursors (name, position) VALUES ('evaluator', 0);

-- One row per firing; firing_key ("event:<id>", "absence:<deadline>") makes a second firing of
-- the same cause impossible. context is the triggering event's JSON (templates read it).
CREATE TABLE automation_firings (
    id             UUID PRIMARY KEY,
    automation_id  UUID         NOT NULL REFERENCES automations (id) ON DELETE CASCADE,
    firing_key     VARCHAR(200) NOT NULL,
    event_id       BIGINT,
    fired_at       BIGINT       NOT NULL,
    context        VARCHAR      NOT NULL,
    CONSTRAINT automation_firings_key UNIQUE (automation_id, firing_key)
);
CREATE INDEX automation_firings_automation ON automation_firings (automation_id, fired_at);

-- The outbox: each action of a firing, written with the firing, executed after commit with the
-- action's id as idempotency key, retried with backoff, FAILED (and visible) after the last attempt.
CREATE TABLE automation_actions (
    id             UUID PRIMARY KEY,
    firing_id      UUID         NOT NULL REFERENCES automation_firings (id) ON DELETE CASCADE,
    automation_id  UUID         NOT NULL,
    position       INTEGER      NOT NULL,
    action         VARCHAR      NOT NULL,
    status         VARCHAR(16)  NOT NULL,
    attempts       INTEGER      NOT NULL,
    next_at        BIGINT       NOT NULL,
    last_error     VARCHAR(2000),
    result         VARCHAR(500),
    updated_at     BIGINT       NOT NULL
);
CREATE INDEX automation_actions_due ON automation_actions (status, next_at);
CREATE INDEX automation_actions_automation ON automation_actions (automation_id, status);
