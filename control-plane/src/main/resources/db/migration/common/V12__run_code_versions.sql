-- Which version of a deployment's code each attempt of a run ran, as its agent reported it with
-- RUNNING ("git:<commit>" or "sha256:<hex>"). The code itself is fetched by the agent inside the
-- customer's network and never stored here; a deployment's source (URL, ref, expected hash) lives in
-- its spec document.
CREATE TABLE run_code_versions (
    run_id        UUID         NOT NULL REFERENCES flow_runs (id) ON DELETE CASCADE,
    attempt       INTEGER      NOT NULL,
    code_version  VARCHAR(80)  NOT NULL,
    recorded_at   BIGINT       NOT NULL,
    PRIMARY KEY (run_id, attempt)
);
