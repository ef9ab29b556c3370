-- Cheaper writes on the hot path (every run state change writes a state row and an event row).
-- No query filters on events.deployment_id through an index (the REST filter matches it as text
-- among other columns), so its index only cost every insert a B-tree write.
DROP INDEX events_deployment;
-- H2 writes an identity's cached range to its schema under a lock every CACHE values (32 by
-- default): under load that is a serialised extra write per 32 events or state rows. A larger
-- range costs only a jump in ids after a kill -9, which readers already tolerate (ids are an
-- order, not a count; the automation evaluator waits out a gap once, then passes it).
ALTER TABLE events ALTER COLUMN id SET CACHE 1000;
ALTER TABLE flow_run_states ALTER COLUMN id SET CACHE 1000;
