-- A search whose workflow was terminated, cancelled or timed out ran no code to say so: its row is
-- closed from outside (workers/closed-searches.ts asks Temporal), with one of these statuses.
-- workflow_id is the nasSearch workflow that runs the search; NULL (rows from before) means the search id.
ALTER TABLE searches DROP CONSTRAINT searches_status_check;
ALTER TABLE searches ADD CONSTRAINT searches_status_check
  CHECK (status IN ('running', 'paused', 'stopped', 'completed', 'failed', 'terminated', 'canceled', 'timed_out'));
ALTER TABLE searches ADD COLUMN workflow_id text;
-- The sweep reads the open searches in id order, a bounded page at a time.
CREATE INDEX searches_open ON searches (id) WHERE status IN ('running', 'paused');
