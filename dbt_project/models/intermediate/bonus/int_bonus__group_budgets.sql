-- 核算分组预算与点单价 per month × 核算分组 (scheme of seed bonus_group_schemes in force on the 1st):
--   group_budget = pool × pool_share, split to the cent by largest remainder (allocate_cents), so
--                  Σ group_budget = pool exactly
--   group_points = Σ points of the group's rows in int_bonus__dept_facts
--   point_price  点单价 = group_budget / group_points (point_price_mode budget; NULL when the group has
--                no points), or fixed_point_price (mode fixed). DECIMAL(18,6).
-- Grain: period × accounting_group.
with pool as (

    select * from {{ ref('int_bonus__pool') }}

),

schemes as (

    select
        p.period,
        p.pool_amount,
        s.accounting_group,
        s.scheme_code,
        s.pool_share,
        s.basis,
        s.point_price_mode,
        s.fixed_point_price,
        s.base_share,
        s.balance_ratio,
        s.closing_mode
    from pool as p
    inner join {{ ref('bonus_group_schemes') }} as s
        on cast(p.period || '-01' as date) between s.effective_from and {{ jx_open_end('s.effective_to') }}

),

budgets as (

    {{ allocate_cents('schemes', 'period', 'scheme_code', 'pool_amount', 'pool_share') | indent(4) }}

),

group_points as (

    select period, accounting_group, sum(points) as points, sum(headcount) as headcount
    from {{ ref('int_bonus__dept_facts') }}
    group by period, accounting_group

),

final as (

    select
        b.period,
        b.accounting_group,
        b.scheme_code,
        b.pool_amount,
        b.pool_share,
        b.allocated_amount as group_budget,
        b.basis,
        b.point_price_mode,
        b.base_share,
        b.balance_ratio,
        b.closing_mode,
        cast(coalesce(g.points, 0) as decimal(18, 4)) as group_points,
        cast(coalesce(g.headcount, 0) as integer) as group_headcount,
        cast(case
            when b.basis <> 'points' then null
            when b.point_price_mode = 'fixed' then b.fixed_point_price
            when coalesce(g.points, 0) > 0 then b.allocated_amount / g.points
        end as decimal(18, 6)) as point_price
    from budgets as b
    left join group_points as g
        on g.period = b.period and g.accounting_group = b.accounting_group

)

select * from final
