-- 全院奖金总额 per month (hospital bonus pool), rule of seed bonus_pool_config in force on the 1st:
--   budget         pool = monthly_budget
--   surplus_ratio  pool = min(round((医疗收入 − 可控成本) × surplus_ratio, 2), monthly_budget), ≥ 0
-- 医疗收入 and 可控成本 (direct costs) are the hospital totals of int_bonus__dept_facts.
-- Grain: period.
with facts as (

    select
        period,
        sum(medical_revenue) as medical_revenue,
        sum(controllable_cost) as controllable_cost
    from {{ ref('int_bonus__dept_facts') }}
    group by period

),

final as (

    select
        f.period,
        c.config_code,
        c.pool_method,
        cast(f.medical_revenue as decimal(18, 2)) as medical_revenue,
        cast(f.controllable_cost as decimal(18, 2)) as controllable_cost,
        cast(c.monthly_budget as decimal(18, 2)) as monthly_budget,
        c.surplus_ratio,
        cast(case
            when c.pool_method = 'budget' then c.monthly_budget
            else greatest(least(round((f.medical_revenue - f.controllable_cost) * c.surplus_ratio, 2),
                                c.monthly_budget), 0)
        end as decimal(18, 2)) as pool_amount
    from facts as f
    inner join {{ ref('bonus_pool_config') }} as c
        on cast(f.period || '-01' as date) between c.effective_from and {{ jx_open_end('c.effective_to') }}

)

select * from final
