-- grain: one row per region (marts.regions). One all-NULL row when the mart is empty
-- (see channels.sql).
select
    regions.region_code,
    regions.region_name
from (select 1) as at_least_one_row
left join marts.regions on true
order by regions.region_code
