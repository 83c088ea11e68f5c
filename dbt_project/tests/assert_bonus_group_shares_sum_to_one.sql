-- 核算分组预算比例校验: on every date a version starts, the pool shares of the groups in force sum to 1.
with starts as (

    select distinct effective_from as on_date from {{ ref('bonus_group_schemes') }}

)

select s.on_date, sum(g.pool_share) as total_share
from starts as s
inner join {{ ref('bonus_group_schemes') }} as g
    on s.on_date between g.effective_from and {{ jx_open_end('g.effective_to') }}
group by s.on_date
having sum(g.pool_share) <> 1
