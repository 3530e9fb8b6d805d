-- Random search and regularized evolution on every space (strategies/token-baselines.ts): where a
-- replica's random stream stood after an iteration's proposal. It is written in the transaction that
-- stores that iteration's children, and the next iteration goes on from it, so a proposal costs the
-- same however long the search has run (it used to replay the whole history). Evolution's population
-- is read from `children`.
CREATE TABLE baseline_streams (
  search_id text NOT NULL REFERENCES searches(id) ON DELETE CASCADE,
  replica   integer NOT NULL,
  iteration integer NOT NULL,
  state     bigint NOT NULL CHECK (state >= 0 AND state < 4294967296),
  PRIMARY KEY (search_id, replica, iteration)
);
