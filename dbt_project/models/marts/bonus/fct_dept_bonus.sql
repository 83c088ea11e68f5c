-- 科室奖金构成 (published): period × perf department × 核算分组 × component, with names, the basis
-- (points / count / amount), the rate (point price × share, unit reward …), the formula's value and
-- the amount after 复核调整 (adjustment_id set when a reviewer replaced it).
{%- set columns = ['period', 'perf_dept_code', 'perf_dept_name', 'accounting_group', 'component_code',
                   'component_name', 'sort_order', 'basis_quantity', 'rate', 'calculated_amount',
                   'adjustment_id', 'amount'] %}
with live as (

    select
        c.period,
        c.perf_dept_code,
        d.perf_dept_name,
        c.accounting_group,
        c.component_code,
        n.component_name,
        cast(n.sort_order as integer) as sort_order,
        c.basis_quantity,
        c.rate,
        c.calculated_amount,
        c.adjustment_id,
        c.amount
    from {{ ref('int_bonus__closed') }} as c
    inner join {{ ref('dim_department') }} as d on d.perf_dept_code = c.perf_dept_code
    left join {{ ref('bonus_components') }} as n on n.component_code = c.component_code

)

{{ jx_published('live', 'fct_dept_bonus', columns) }}
