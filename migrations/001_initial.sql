-- The durable state of a search. Users query these names with SQL: keep them stable.
-- Large state (parameters, optimizer slots, baselines) lives here, never in workflow history.

CREATE TABLE searches (
  id            text PRIMARY KEY,
  space_kind    text NOT NULL CHECK (space_kind IN ('cnn', 'rnnCell')),
  config        jsonb NOT NULL,
  status        text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'paused', 'stopped', 'completed', 'failed')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz
);

-- The parameter server: the controller's flat parameter vector split into shards, each with its
-- own version (number of updates applied to it) and its slice of the Adam slots.
CREATE TABLE parameter_shards (
  search_id     text NOT NULL REFERENCES searches(id) ON DELETE CASCADE,
  shard         integer NOT NULL CHECK (shard >= 0),
  start_index   integer NOT NULL CHECK (start_index >= 0),
  size          integer NOT NULL CHECK (size > 0),
  version       bigint NOT NULL DEFAULT 0 CHECK (version >= 0),
  params        bytea NOT NULL,           -- float32 little-endian, `size` values
  adam_m        bytea NOT NULL,
  adam_v        bytea NOT NULL,
  adam_step     integer NOT NULL DEFAULT 0,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (search_id, shard)
);

-- The EMA baseline b of section 3.2, per replica (replica 0 when there is one).
CREATE TABLE baselines (
  search_id     text NOT NULL REFERENCES searches(id) ON DELETE CASCADE,
  replica       integer NOT NULL,
  value         double precision,         -- NULL until the first batch of rewards
  rewards_seen  bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (search_id, replica)
);

-- The parameters a batch was sampled with, kept until its update is applied: the REINFORCE
-- gradient is taken at these, whatever landed on the shards in between.
CREATE TABLE parameter_snapshots (
  search_id     text NOT NULL REFERENCES searches(id) ON DELETE CASCADE,
  replica       integer NOT NULL,
  iteration     integer NOT NULL,
  versions      bigint[] NOT NULL,        -- each shard's version at the time of the pull
  params        bytea NOT NULL,
  PRIMARY KEY (search_id, replica, iteration)
);

-- Every child ever sampled, one row each; training fills in the rest.
CREATE TABLE children (
  id                       bigserial PRIMARY KEY,
  search_id                text NOT NULL REFERENCES searches(id) ON DELETE CASCADE,
  replica                  integer NOT NULL,
  iteration                integer NOT NULL,
  child_index              integer NOT NULL,
  num_layers               integer NOT NULL,
  architecture             jsonb NOT NULL,
  arch_key                 text NOT NULL,
  tokens                   integer[] NOT NULL,
  log_prob                 double precision NOT NULL,
  entropy                  double precision NOT NULL,
  status                   text NOT NULL DEFAULT 'sampled' CHECK (status IN ('sampled', 'training', 'succeeded', 'failed')),
  validation_accuracies    double precision[],
  best_validation_accuracy double precision,
  reward                   double precision,
  param_count              bigint,
  training_seconds         double precision,
  worker                   text,
  attempts                 integer NOT NULL DEFAULT 0,
  error                    text,
  created_at               timestamptz NOT NULL DEFAULT now(),
  started_at               timestamptz,
  finished_at              timestamptz,
  UNIQUE (search_id, replica, iteration, child_index)
);
CREATE INDEX children_best ON children (search_id, best_validation_accuracy DESC NULLS LAST);

-- One row per applied controller update: exactly once per (search, replica, iteration).
CREATE TABLE updates (
  id                        bigserial PRIMARY KEY,
  search_id                 text NOT NULL REFERENCES searches(id) ON DELETE CASCADE,
  replica                   integer NOT NULL,
  iteration                 integer NOT NULL,
  children_count            integer NOT NULL,
  mean_reward               double precision NOT NULL,
  max_reward                double precision NOT NULL,
  baseline_before           double precision NOT NULL,
  baseline_after            double precision NOT NULL,
  loss                      double precision NOT NULL,
  gradient_norm             double precision NOT NULL,
  parameter_versions_before bigint[] NOT NULL,  -- shard versions the gradient was computed at
  parameter_versions_after  bigint[] NOT NULL,  -- shard versions after this update
  staleness                 integer NOT NULL,   -- updates that landed between pull and push
  created_at                timestamptz NOT NULL DEFAULT now(),
  UNIQUE (search_id, replica, iteration)
);
