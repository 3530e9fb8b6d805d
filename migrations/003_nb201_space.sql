-- Searches over the NAS-Bench-201 cell (answered from a benchmark table) are a third space kind.
ALTER TABLE searches DROP CONSTRAINT searches_space_kind_check;
ALTER TABLE searches ADD CONSTRAINT searches_space_kind_check CHECK (space_kind IN ('cnn', 'rnnCell', 'nb201'));
