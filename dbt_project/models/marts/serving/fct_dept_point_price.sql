-- 科室点单价 serving mart: each department's month with the point price of its 核算分组, so the 科室绩效
-- dashboard shows point prices from a table that has perf_dept_code (a 科主任 sees his own group's
-- price through the row-level filter; fct_bonus_pool has no department rows). Grain: perf department ×
-- month × 核算分组 (as fct_dept_bonus_summary).
--   points_share 点数占比 = the department's points / the group's points (NULL when the group has none)
with summary as (

    select period, perf_dept_code, perf_dept_name, dept_category, accounting_group, points, dept_bonus
    from {{ ref('fct_dept_bonus_summary') }}

),

pool as (

    select period, accounting_group, point_price_mode, point_price, group_points, group_budget
    from {{ ref('fct_bonus_pool') }}

),

final as (

    select
        s.period,
        cast(s.period || '-01' as date) as period_date,
        s.perf_dept_code,
        s.perf_dept_name,
        s.dept_category,
        s.accounting_group,
        p.point_price_mode,
        p.point_price,
        s.points,
        p.group_points,
        p.group_budget,
        s.dept_bonus,
        cast(case when p.group_points > 0 then round(s.points / p.group_points, 4) end as decimal(9, 4)) as points_share
    from summary as s
    left join pool as p on p.period = s.period and p.accounting_group = s.accounting_group

)

select * from final
