-- grain: one row per extract run that planned a statistics refresh (marts.refresh_runs):
-- videos refreshed and left stale, and the available videos' staleness at planning. One
-- all-NULL row when the mart is empty (see channels.sql).
select
    refresh_runs.run_id,
    refresh_runs.planned_at,
    refresh_runs.count_videos_due,
    refresh_runs.count_videos_refreshed,
    refresh_runs.count_videos_left_stale,
    refresh_runs.hours_stale_p50,
    refresh_runs.hours_stale_p95,
    refresh_runs.hours_stale_max
from (select 1) as at_least_one_row
left join marts.refresh_runs on true
order by refresh_runs.planned_at, refresh_runs.run_id
