-- Recurrent-cell search (Zoph & Le 2017, section 3.4): a language-model child is measured by its
-- validation perplexity (lower is better; reward = c / perplexity²). The accuracy columns hold its
-- next-word accuracy. `rnn_cells` lists every cell with its perplexity, best first per search.
ALTER TABLE children ADD COLUMN validation_perplexities double precision[];
ALTER TABLE children ADD COLUMN validation_perplexity double precision;  -- the lowest over epochs
CREATE INDEX children_best_perplexity ON children (search_id, validation_perplexity ASC NULLS LAST);

CREATE VIEW rnn_cells AS
SELECT search_id, id AS child_id, replica, iteration, child_index, status, validation_perplexity,
       best_validation_accuracy AS best_next_word_accuracy, reward, param_count, training_seconds,
       architecture, error,
       rank() OVER (PARTITION BY search_id ORDER BY validation_perplexity ASC NULLS LAST) AS rank
FROM children
WHERE architecture->>'kind' = 'rnnCell';
-- Example: SELECT rank, validation_perplexity, reward, architecture FROM rnn_cells
--          WHERE search_id = 'cell-1' AND status = 'succeeded' ORDER BY rank LIMIT 10;
