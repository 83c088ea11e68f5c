-- 二次分配对账: for every department with an approved allocation in a period,
--   Σ fct_staff_bonus over home_dept = dept bonus + 划拨 in − 划拨 out + 补录
-- where 划拨 in = transfer lines other departments pay to its people, 划拨 out = transfer lines it
-- pays to other departments' people, 补录 = its supplement lines; dept bonus from
-- fct_dept_bonus_summary. Also: every approved sheet's pool equals the published dept bonus (a
-- recalculation after approval makes the approval stale and fails here, loudly).
with staff as (

    select * from {{ ref('fct_staff_bonus') }}

),

approved as (

    select distinct period, paying_dept_code as perf_dept_code
    from staff
    where line_type in ('allocation', 'transfer', 'dept_reserve')

),

by_home as (

    select period, home_dept_code as perf_dept_code, sum(amount) as staff_total
    from staff
    group by period, home_dept_code

),

transfers_in as (

    select period, home_dept_code as perf_dept_code, sum(amount) as amount
    from staff
    where line_type = 'transfer'
    group by period, home_dept_code

),

transfers_out as (

    select period, paying_dept_code as perf_dept_code, sum(amount) as amount
    from staff
    where line_type = 'transfer'
    group by period, paying_dept_code

),

supplements as (

    select period, paying_dept_code as perf_dept_code, sum(amount) as amount
    from staff
    where line_type = 'supplement'
    group by period, paying_dept_code

),

checks as (

    select
        a.period,
        a.perf_dept_code,
        coalesce(h.staff_total, 0) as staff_total,
        coalesce(s.dept_bonus, 0) + coalesce(ti.amount, 0) - coalesce(tout.amount, 0) + coalesce(sp.amount, 0)
            as expected_total
    from approved as a
    left join {{ ref('fct_dept_bonus_summary') }} as s
        on s.period = a.period and s.perf_dept_code = a.perf_dept_code
    left join by_home as h on h.period = a.period and h.perf_dept_code = a.perf_dept_code
    left join transfers_in as ti on ti.period = a.period and ti.perf_dept_code = a.perf_dept_code
    left join transfers_out as tout on tout.period = a.period and tout.perf_dept_code = a.perf_dept_code
    left join supplements as sp on sp.period = a.period and sp.perf_dept_code = a.perf_dept_code

)

select period, perf_dept_code, staff_total, expected_total
from checks
where staff_total <> expected_total
