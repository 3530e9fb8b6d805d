-- Fencing off sampling attempts that outlived their use (sample-ahead, workflows/sample-ahead.ts). An
-- attempt of sampleArchitectures that timed out but still runs is an older attempt of the same activity
-- (workflow run + activity id) as the one whose outcome the workflow took. Once that outcome is final
-- without a stored batch (the batch was given back by releaseBatch, or the budget was spent), no attempt
-- of that activity may store one: no workflow would train it, and it would count against the budget.
-- A later activity sampling the same iteration is another activity, and is not fenced.
CREATE TABLE batch_samplers (   -- which activity stored an iteration's batch
  search_id text NOT NULL REFERENCES searches(id) ON DELETE CASCADE,
  replica   integer NOT NULL,
  iteration integer NOT NULL,
  activity  text NOT NULL,
  PRIMARY KEY (search_id, replica, iteration)
);
CREATE TABLE fenced_samplers (  -- activities that may no longer store the iteration's batch
  search_id text NOT NULL REFERENCES searches(id) ON DELETE CASCADE,
  replica   integer NOT NULL,
  iteration integer NOT NULL,
  activity  text NOT NULL,
  reason    text NOT NULL CHECK (reason IN ('released', 'spent')),
  fenced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (search_id, replica, iteration, activity)
);
