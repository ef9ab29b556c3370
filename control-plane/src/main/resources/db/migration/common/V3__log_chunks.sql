-- Log lines are stored in chunks: one row per run of consecutive lines of one flow run that
-- arrived in one batch, instead of one row per line. A row per line cost three B-tree inserts
-- per line (identity, (run_id, id), at) and capped ingestion far below what agents send.
--
-- A line's sequence is per run (1, 2, 3, ... as counted by flow_runs.log_count); the chunk holds
-- lines first_seq .. first_seq + line_count - 1, encoded by store.LogChunkCodec (format version
-- in the first byte). stored_at is the control plane's clock when the batch was stored: retention
-- goes by it, never by the agent-reported time of a line, which is informational.
-- The existing rows of `logs` are converted by the Java migration V3_1 (store.V3_1__LogsIntoChunks).
CREATE TABLE log_chunks (
    run_id      UUID    NOT NULL,
    first_seq   BIGINT  NOT NULL,
    line_count  INTEGER NOT NULL,
    stored_at   BIGINT  NOT NULL,
    lines       BYTEA   NOT NULL,
    PRIMARY KEY (run_id, first_seq)
);
CREATE INDEX log_chunks_stored_at ON log_chunks (stored_at);
