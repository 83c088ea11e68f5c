-- 科室奖金构成项 before closing to the group budget, per period × perf department × 核算分组 ×
-- component (long; every component that applies to the row, zero included, so a reviewer can adjust it):
--   W = points × point_price (点数 × 点单价), not rounded
--   workload_base   基础绩效  = round(W × A%, 2)                         (A% = base_share)
--   workload_kpi    考核绩效  = round(W × (1 − A%) × KPI 系数, 2)         (no KPI → coefficient 1)
--   balance         收支结余奖 = round((医疗收入 − 可控成本) × balance_ratio, 2)  (groups with ratio > 0, home row)
--   <single item>   单项奖励  = count × unit_reward (seed bonus_single_items, by metric and group)
--   per_capita      行政后勤人均绩效 = round(临床人均 × Σ 岗位系数, 2), 临床人均 = clinical total /
--                   clinical headcount over the points-basis groups, where a group's clinical total is its
--                   budget (closing renormalise) or Σ of its components here (closing reserve)
--   penalty         核减 = − Σ 科室核减 (home row)
-- calculated_amount is the formula's value; amount = the active 复核调整 (bonus_ops.adjustments)
-- new_value when there is one, else calculated_amount. Grain: period × dept × group × component.
with facts as (

    select * from {{ ref('int_bonus__dept_facts') }}

),

groups as (

    select * from {{ ref('int_bonus__group_budgets') }}

),

rows_in_scheme as (

    select f.*, g.basis, g.base_share, g.balance_ratio, g.closing_mode, g.point_price, g.group_budget
    from facts as f
    inner join groups as g
        on g.period = f.period and g.accounting_group = f.accounting_group

),

points_rows as (

    -- W = points × point price, exact, kept at 8 decimals (a group without a price has W = 0)
    select
        rows_in_scheme.*,
        cast(cast(points as decimal(38, 10)) * cast(coalesce(point_price, 0) as decimal(38, 10))
             as decimal(38, 8)) as workload_value
    from rows_in_scheme
    where basis = 'points'

),

workload as (

    select period, perf_dept_code, accounting_group, 'workload_base' as component_code,
           points as basis_quantity, cast(cast(point_price as decimal(38, 6)) * base_share as decimal(18, 6)) as rate,
           round(workload_value * base_share, 2) as calculated_amount
    from points_rows
    union all
    select period, perf_dept_code, accounting_group, 'workload_kpi',
           points,
           cast(cast(point_price as decimal(38, 6)) * (1 - base_share) * coalesce(kpi_coefficient, 1) as decimal(18, 6)),
           round(workload_value * (1 - base_share) * cast(coalesce(kpi_coefficient, 1) as decimal(18, 6)), 2)
    from points_rows
    union all
    select period, perf_dept_code, accounting_group, 'balance',
           medical_revenue - controllable_cost, balance_ratio,
           round((medical_revenue - controllable_cost) * balance_ratio, 2)
    from points_rows
    where balance_ratio > 0 and is_home_group

),

single_items as (

    select
        r.period, r.perf_dept_code, r.accounting_group, i.item_code as component_code,
        case i.metric
            when 'grade34_surgeries' then r.grade34_surgeries
            when 'tcm_therapies' then r.tcm_therapies
            when 'night_shifts' then r.night_shifts
        end as basis_quantity,
        i.unit_reward as rate
    from rows_in_scheme as r
    inner join {{ ref('bonus_single_items') }} as i
        on i.accounting_group = r.accounting_group
       and cast(r.period || '-01' as date) between i.effective_from and {{ jx_open_end('i.effective_to') }}
    -- department-level counts live on the home row; night shifts on every row (they are per person)
    where r.is_home_group or i.metric = 'night_shifts'

),

penalties as (

    select period, perf_dept_code, accounting_group, 'penalty' as component_code,
           penalty_amount as basis_quantity, cast(-1 as decimal(18, 6)) as rate,
           -penalty_amount as calculated_amount
    from rows_in_scheme
    where is_home_group

),

clinical_pre as (

    select * from workload
    union all
    select period, perf_dept_code, accounting_group, component_code, basis_quantity, rate,
           round(basis_quantity * rate, 2)
    from single_items
    union all
    select * from penalties

),

clinical_average as (

    -- 临床人均 per month: Σ closed totals of the points-basis groups / their headcount
    select
        g.period,
        sum(case when g.closing_mode = 'renormalise' then g.group_budget else coalesce(t.total, 0) end)
            as clinical_total,
        sum(coalesce(h.headcount, 0)) as clinical_headcount
    from groups as g
    left join (
        select c.period, c.accounting_group, sum(c.calculated_amount) as total
        from clinical_pre as c
        group by c.period, c.accounting_group
    ) as t on t.period = g.period and t.accounting_group = g.accounting_group
    left join (
        select period, accounting_group, sum(headcount) as headcount
        from facts
        group by period, accounting_group
    ) as h on h.period = g.period and h.accounting_group = g.accounting_group
    where g.basis = 'points'
    group by g.period

),

per_capita as (

    select
        r.period, r.perf_dept_code, r.accounting_group, 'per_capita' as component_code,
        r.post_coefficient_sum as basis_quantity,
        cast(case when a.clinical_headcount > 0 then a.clinical_total / a.clinical_headcount else 0 end
             as decimal(18, 6)) as rate,
        round(r.post_coefficient_sum
              * case when a.clinical_headcount > 0 then a.clinical_total / a.clinical_headcount else 0 end, 2)
            as calculated_amount
    from rows_in_scheme as r
    -- a month without points-basis groups has no clinical average: 0 (the closing or reserve takes it)
    left join clinical_average as a on a.period = r.period
    where r.basis = 'per_capita'

),

calculated as (

    select * from clinical_pre
    union all
    select * from per_capita

),

adjustments as (

    select * from {{ ref('stg_bonus_ops__adjustments') }}

),

final as (

    select
        c.period,
        c.perf_dept_code,
        c.accounting_group,
        c.component_code,
        cast(c.basis_quantity as decimal(18, 4)) as basis_quantity,
        cast(c.rate as decimal(18, 6)) as rate,
        cast(c.calculated_amount as decimal(18, 2)) as calculated_amount,
        a.adjustment_id,
        cast(coalesce(a.new_value, c.calculated_amount) as decimal(18, 2)) as amount
    from calculated as c
    left join adjustments as a
        on a.period = c.period
       and a.perf_dept_code = c.perf_dept_code
       and a.accounting_group = c.accounting_group
       and a.component_code = c.component_code

)

select * from final
