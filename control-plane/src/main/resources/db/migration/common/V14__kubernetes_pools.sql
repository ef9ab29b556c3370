-- A kubernetes pool's base Job template (JSON: {"job": manifest, "variables": {...}}); null for other pool types.
ALTER TABLE work_pools ADD COLUMN base_job_template VARCHAR;
