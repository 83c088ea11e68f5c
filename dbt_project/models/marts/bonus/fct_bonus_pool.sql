-- 奖金总额与核算分组预算 (published): period × 核算分组. reserve_amount = group_budget − Σ dept bonus of
-- the group = the group's line to 院长基金/留存 (0 for renormalise groups with departments).
-- Σ dept_bonus_total + Σ reserve_amount = pool_amount per period (tests/assert_bonus_pool_reconciles.sql).
{%- set columns = ['period', 'accounting_group', 'scheme_code', 'pool_method', 'medical_revenue',
                   'controllable_cost', 'pool_amount', 'pool_share', 'group_budget', 'basis',
                   'point_price_mode', 'closing_mode', 'group_points', 'group_headcount', 'point_price',
                   'dept_bonus_total', 'reserve_amount'] %}
with groups as (

    select * from {{ ref('int_bonus__group_budgets') }}

),

pool as (

    select * from {{ ref('int_bonus__pool') }}

),

dept_totals as (

    select period, accounting_group, sum(amount) as dept_bonus_total
    from {{ ref('int_bonus__closed') }}
    group by period, accounting_group

),

live as (

    select
        g.period,
        g.accounting_group,
        g.scheme_code,
        p.pool_method,
        p.medical_revenue,
        p.controllable_cost,
        g.pool_amount,
        cast(g.pool_share as decimal(9, 4)) as pool_share,
        g.group_budget,
        g.basis,
        g.point_price_mode,
        g.closing_mode,
        g.group_points,
        g.group_headcount,
        g.point_price,
        cast(coalesce(d.dept_bonus_total, 0) as decimal(18, 2)) as dept_bonus_total,
        cast(g.group_budget - coalesce(d.dept_bonus_total, 0) as decimal(18, 2)) as reserve_amount
    from groups as g
    inner join pool as p on p.period = g.period
    left join dept_totals as d
        on d.period = g.period and d.accounting_group = g.accounting_group

)

{{ jx_published('live', 'fct_bonus_pool', columns) }}
