-- 总额平衡 (published marts): per period and 核算分组, Σ dept bonus (fct_dept_bonus) = the group's
-- dept_bonus_total, dept_bonus_total + reserve = group_budget, and Σ group_budget = pool — all to the
-- cent. Together: Σ dept bonus + Σ reserve = pool. Returns one row per broken identity.
with dept as (

    select period, accounting_group, sum(amount) as dept_total
    from {{ ref('fct_dept_bonus') }}
    group by period, accounting_group

),

groups as (

    select * from {{ ref('fct_bonus_pool') }}

),

pools as (

    select period, max(pool_amount) as pool_amount, min(pool_amount) as min_pool, sum(group_budget) as budgets,
           sum(dept_bonus_total) + sum(reserve_amount) as dept_plus_reserve
    from groups
    group by period

)

select g.period, g.accounting_group, 'group: Σ fct_dept_bonus <> dept_bonus_total' as problem
from groups as g
left join dept as d on d.period = g.period and d.accounting_group = g.accounting_group
where coalesce(d.dept_total, 0) <> g.dept_bonus_total

union all

select d.period, d.accounting_group, 'fct_dept_bonus rows of a group missing from fct_bonus_pool'
from dept as d
left join groups as g on g.period = d.period and g.accounting_group = d.accounting_group
where g.period is null

union all

select period, accounting_group, 'group: dept_bonus_total + reserve <> group_budget'
from groups
where dept_bonus_total + reserve_amount <> group_budget

union all

select period, cast(null as varchar), 'period: Σ group_budget <> pool, or pool differs between rows'
from pools
where budgets <> pool_amount or min_pool <> pool_amount

union all

select period, cast(null as varchar), 'period: Σ dept bonus + Σ reserve <> pool'
from pools
where dept_plus_reserve <> pool_amount
