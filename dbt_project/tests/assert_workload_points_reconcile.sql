-- Σ department points = Σ line points, per month, to 4 decimals (工作量点数对账).
with by_line as (

    select period, sum(points) as points from {{ ref('fct_charge_line_points') }} group by period

),

by_dept as (

    select period, sum(points) as points from {{ ref('fct_workload_points') }} group by period

)

select
    coalesce(l.period, d.period) as period,
    l.points as line_points,
    d.points as dept_points
from by_line as l
full outer join by_dept as d on d.period = l.period
where l.period is null
   or d.period is null
   or abs(l.points - d.points) >= 0.0001
