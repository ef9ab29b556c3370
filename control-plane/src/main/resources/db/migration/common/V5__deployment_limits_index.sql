-- Claims read the concurrency limits of a pool's deployments in every claim transaction. Without an
-- index that was a scan of every deployment (12 ms per claim with 10,000 deployments); keyed on the
-- limit, the read touches only the deployments that have one.
CREATE INDEX deployments_limited ON deployments (concurrency_limit);
