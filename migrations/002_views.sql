-- Views users read from psql: the best architectures of each search and the reward curve.

CREATE VIEW best_children AS
SELECT search_id, id AS child_id, replica, iteration, child_index, num_layers,
       best_validation_accuracy, reward, param_count, training_seconds, architecture,
       rank() OVER (PARTITION BY search_id ORDER BY best_validation_accuracy DESC) AS rank
FROM children
WHERE status = 'succeeded';

CREATE VIEW reward_curve AS
SELECT u.search_id, u.replica, u.iteration, u.children_count, u.mean_reward, u.max_reward,
       u.baseline_before, u.baseline_after, u.gradient_norm, u.staleness, u.created_at,
       max(u.max_reward) OVER (PARTITION BY u.search_id ORDER BY u.created_at, u.id) AS best_reward_so_far
FROM updates u;
