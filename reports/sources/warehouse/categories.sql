-- grain: one row per video category per region (marts.categories). One all-NULL row when the
-- mart is empty (see channels.sql).
select
    categories.region_code,
    categories.category_id,
    categories.category_name
from (select 1) as at_least_one_row
left join marts.categories on true
order by categories.region_code, categories.category_id
