-- Batches a replica sampled ahead and gave back when it stopped (releaseBatch, workflows/sample-ahead.ts).
-- An attempt of sampleArchitectures that began before the release (one that timed out and still ran)
-- must not store that batch again: no workflow would train it, and it would count against the budget.
-- The release time is PostgreSQL's clock, as is the attempt's start it is compared with.
CREATE TABLE released_batches (
  search_id   text NOT NULL REFERENCES searches(id) ON DELETE CASCADE,
  replica     integer NOT NULL,
  iteration   integer NOT NULL,
  released_at timestamptz NOT NULL,
  PRIMARY KEY (search_id, replica, iteration)
);
