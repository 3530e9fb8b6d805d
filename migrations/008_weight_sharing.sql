-- Weight-sharing search (ENAS, Pham et al. 2018): checkpoints of the shared weights ω, and on every
-- child the ω step it was rewarded at. At the end of such a search its top architectures are
-- retrained from scratch as children of phase 'retrain' (replica -1: no controller replica sampled
-- them); they do not count toward the budget, and `best_children` ranks them first.

-- ω, its momentum slots and the step (minibatches trained) they hold. Steps are deterministic, so two
-- workers that reach the same step write the same bytes; older checkpoints are pruned.
CREATE TABLE shared_weights (
  search_id  text NOT NULL REFERENCES searches(id) ON DELETE CASCADE,
  step       integer NOT NULL CHECK (step >= 0),
  shape      jsonb NOT NULL,
  manifest   jsonb NOT NULL,
  weights    bytea NOT NULL,
  worker     text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (search_id, step)
);

ALTER TABLE children ADD COLUMN omega_step integer;
ALTER TABLE children ADD COLUMN phase text NOT NULL DEFAULT 'search' CHECK (phase IN ('search', 'retrain'));
-- Why a retrained child was picked: its shared-weight reward, the controller's likeliest samples, or both.
ALTER TABLE children ADD COLUMN pick text CHECK (pick IN ('reward', 'likely', 'both'));

-- Retrained (from-scratch) accuracies rank above shared-weight ones: only they are comparable.
CREATE OR REPLACE VIEW best_children AS
SELECT search_id, id AS child_id, replica, iteration, child_index, num_layers,
       best_validation_accuracy, reward, param_count, training_seconds, architecture,
       rank() OVER (PARTITION BY search_id ORDER BY (phase = 'retrain') DESC, best_validation_accuracy DESC) AS rank,
       phase, omega_step, pick
FROM children
WHERE status = 'succeeded';
