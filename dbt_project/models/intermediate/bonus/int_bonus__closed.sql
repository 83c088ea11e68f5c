-- 总额调节 (closing to the group budget), per period × perf department × 核算分组 × component: the
-- components of int_bonus__components plus, for groups with closing_mode renormalise, one 'closing'
-- row per department row of the group:
--   closing_i = allocate_cents(group_budget − Σ components of the group, weight_i)
--   weight_i  = greatest(Σ components of the row, 0) — proportional re-normalisation (等比例调整):
--               each department keeps its relative standing after KPI, single items and penalties; a
--               department whose components are negative keeps them and gets no closing share
-- so Σ components + Σ closing = group_budget to the cent (with budget-derived point prices this is
-- re-deriving the point price after KPI, single items and penalties). Groups with closing_mode reserve get no closing rows: the
-- difference is their reserve line (院长基金/留存) in fct_bonus_pool.
-- Grain: period × perf_dept_code × accounting_group × component_code.
with components as (

    select * from {{ ref('int_bonus__components') }}

),

groups as (

    select * from {{ ref('int_bonus__group_budgets') }}

),

row_totals as (

    select
        c.period,
        c.perf_dept_code,
        c.accounting_group,
        sum(c.amount) as raw_amount
    from components as c
    group by c.period, c.perf_dept_code, c.accounting_group

),

closing_input as (

    select
        r.period,
        r.perf_dept_code,
        r.accounting_group,
        greatest(r.raw_amount, 0) as closing_weight,
        cast(g.group_budget - sum(r.raw_amount) over (partition by r.period, r.accounting_group)
             as decimal(18, 2)) as closing_pool
    from row_totals as r
    inner join groups as g
        on g.period = r.period and g.accounting_group = r.accounting_group
    where g.closing_mode = 'renormalise'

),

closing as (

    {{ allocate_cents('closing_input', ['period', 'accounting_group'], 'perf_dept_code',
                      'closing_pool', 'closing_weight') | indent(4) }}

),

final as (

    select period, perf_dept_code, accounting_group, component_code, basis_quantity, rate,
           calculated_amount, adjustment_id, amount
    from components
    union all
    select
        period,
        perf_dept_code,
        accounting_group,
        'closing',
        cast(closing_weight as decimal(18, 4)),
        cast(null as decimal(18, 6)),
        allocated_amount,
        cast(null as varchar),
        allocated_amount
    from closing

)

select * from final
