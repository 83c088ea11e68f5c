-- 科室奖金汇总 (live), per period × perf department: Σ of all components over the department's
-- 核算分组 rows, with the facts the warnings and dashboards read.
--   dept_bonus        = Σ amount (int_bonus__closed)
--   per_capita_bonus  = round(dept_bonus / headcount, 2) (NULL without staff)
--   prev_dept_bonus   = dept_bonus of the previous month (NULL if none); mom_change = dept_bonus / prev − 1
--   unmapped_share    = unmapped_amount / charge_amount (未对照收费占比)
-- Grain: period × perf_dept_code.
with amounts as (

    select period, perf_dept_code, sum(amount) as dept_bonus
    from {{ ref('int_bonus__closed') }}
    group by period, perf_dept_code

),

facts as (

    select
        f.period,
        f.perf_dept_code,
        max(f.perf_dept_name) as perf_dept_name,
        max(f.dept_category) as dept_category,
        max(case when f.is_home_group then f.accounting_group end) as accounting_group,
        max(case when f.is_home_group then g.basis end) as basis,
        sum(f.points) as points,
        sum(f.headcount) as headcount,
        max(f.kpi_coefficient) as kpi_coefficient,
        max(case when f.kpi_complete then 1 else 0 end) = 1 as kpi_complete,
        sum(f.charge_amount) as charge_amount,
        sum(f.unmapped_amount) as unmapped_amount
    from {{ ref('int_bonus__dept_facts') }} as f
    left join {{ ref('int_bonus__group_budgets') }} as g
        on g.period = f.period and g.accounting_group = f.accounting_group
    group by f.period, f.perf_dept_code

),

current_month as (

    select
        f.*,
        coalesce(a.dept_bonus, 0) as dept_bonus,
        {{ dbt.dateadd('month', -1, "cast(f.period || '-01' as date)") }} as previous_month_start
    from facts as f
    left join amounts as a on a.period = f.period and a.perf_dept_code = f.perf_dept_code

),

final as (

    select
        c.period,
        c.perf_dept_code,
        c.perf_dept_name,
        c.dept_category,
        c.accounting_group,
        c.basis,
        cast(c.dept_bonus as decimal(18, 2)) as dept_bonus,
        cast(c.headcount as integer) as headcount,
        cast(case when c.headcount > 0 then round(c.dept_bonus / c.headcount, 2) end as decimal(18, 2))
            as per_capita_bonus,
        cast(c.points as decimal(18, 4)) as points,
        cast(c.kpi_coefficient as decimal(9, 4)) as kpi_coefficient,
        c.kpi_complete,
        cast(c.charge_amount as decimal(18, 2)) as charge_amount,
        cast(c.unmapped_amount as decimal(18, 2)) as unmapped_amount,
        cast(case when c.charge_amount > 0 then c.unmapped_amount / c.charge_amount end as decimal(9, 4))
            as unmapped_share,
        cast(p.dept_bonus as decimal(18, 2)) as prev_dept_bonus,
        cast(case when p.dept_bonus > 0 then c.dept_bonus / p.dept_bonus - 1 end as decimal(18, 4)) as mom_change
    from current_month as c
    left join current_month as p
        on p.perf_dept_code = c.perf_dept_code
       and cast(p.period || '-01' as date) = cast(c.previous_month_start as date)

)

select * from final
