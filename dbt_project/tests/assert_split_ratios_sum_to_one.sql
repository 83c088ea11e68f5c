-- 分配比例校验: for every split category and version, the role ratios sum to exactly 1, every ratio
-- lies in [0, 1] and every role is a declared role.
with ratios as (

    select * from {{ ref('point_split_ratios') }}

),

sums as (

    select split_category, effective_from, sum(ratio) as total, min(ratio) as smallest, max(ratio) as largest
    from ratios
    group by split_category, effective_from

)

select split_category, effective_from, cast(total as varchar) as problem
from sums
where total <> 1 or smallest < 0 or largest > 1

union all

select split_category, effective_from, 'undeclared role ' || role
from ratios
where role not in (select role from {{ ref('point_roles') }})
