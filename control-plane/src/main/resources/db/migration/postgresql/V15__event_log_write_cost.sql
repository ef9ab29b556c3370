-- No query filters on events.deployment_id through an index (the REST filter matches it as text
-- among other columns), so its index only cost every insert a B-tree write. (H2's V15 also widens
-- identity caches; PostgreSQL's sequences are cached per session, which would break the id order
-- the event log's readers rely on, so they are left as they are.)
DROP INDEX events_deployment;
