-- Per training worker and search: how many children it finished and how fast, for finding a slow
-- or idle machine. `worker` is host:pid:queue of the process that recorded the child.
CREATE VIEW worker_throughput AS
SELECT search_id, worker,
       count(*) AS children,
       count(*) FILTER (WHERE status = 'failed') AS failed,
       sum(training_seconds) AS training_seconds,
       avg(training_seconds) AS mean_child_seconds,
       min(started_at) AS first_started, max(finished_at) AS last_finished,
       count(*) * 3600.0 / NULLIF(EXTRACT(EPOCH FROM max(finished_at) - min(started_at)), 0) AS children_per_hour
FROM children
WHERE status IN ('succeeded', 'failed')
GROUP BY search_id, worker;
