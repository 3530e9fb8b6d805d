-- Section 3.3 of Zoph & Le 2017: each parameter shard applies replica gradients independently.
-- A push of one replica's gradient slice to one shard is recorded once per (replica, iteration,
-- shard), in the same transaction that changes the shard: retries never apply a slice twice.

-- Gradients waiting for G arrivals (distributed.accumulateGradients); NULL when none wait.
ALTER TABLE parameter_shards
  ADD COLUMN accumulated        bytea,
  ADD COLUMN accumulated_count  integer NOT NULL DEFAULT 0 CHECK (accumulated_count >= 0);

CREATE TABLE shard_pushes (
  search_id       text NOT NULL REFERENCES searches(id) ON DELETE CASCADE,
  replica         integer NOT NULL,
  iteration       integer NOT NULL,
  shard           integer NOT NULL,
  snapshot_version bigint NOT NULL,   -- the shard's version the gradient was computed at
  version_before  bigint NOT NULL,    -- the shard's version when the slice arrived
  version_after   bigint NOT NULL,    -- version_before + 1 if this push completed a step, else the same
  staleness       integer NOT NULL,   -- version_before - snapshot_version: steps that landed in between
  applied         boolean NOT NULL,   -- false while the slice waits in the accumulator
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (search_id, replica, iteration, shard)
);

-- Per replica: iterations, children, and how stale its gradients were.
CREATE VIEW replica_updates AS
SELECT search_id, replica,
       count(*)                AS updates,
       sum(children_count)     AS children,
       avg(staleness)::float8  AS mean_staleness,
       max(staleness)          AS max_staleness,
       avg(mean_reward)::float8 AS mean_reward,
       max(created_at)         AS last_update_at
FROM updates
GROUP BY search_id, replica;
