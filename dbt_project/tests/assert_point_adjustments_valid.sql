-- 科室差异点值配置校验: exactly one of multiplier / override_points, a known scope type whose value
-- exists, a positive multiplier, and no two rules of the same scope and item prefix in force at once.
with a as (

    select * from {{ ref('dept_point_adjustments') }}

),

departments as (

    select * from {{ ref('dim_department') }}

)

select adjustment_id, 'need exactly one of multiplier and override_points' as problem
from a
where (multiplier is null) = (override_points is null)

union all

select adjustment_id, 'multiplier must be > 0'
from a
where multiplier <= 0

union all

select adjustment_id, 'unknown dept_scope_type ' || dept_scope_type
from a
where dept_scope_type not in ('dept', 'accounting_group', 'category')

union all

select adjustment_id, 'unknown scope value ' || dept_scope_value
from a
where (dept_scope_type = 'dept' and dept_scope_value not in (select perf_dept_code from departments))
   or (dept_scope_type = 'accounting_group'
       and dept_scope_value not in (select accounting_group from departments where accounting_group is not null))
   or (dept_scope_type = 'category' and dept_scope_value not in (select dept_category from departments))

union all

select x.adjustment_id, 'overlaps ' || y.adjustment_id
from a as x
inner join a as y
    on x.dept_scope_type = y.dept_scope_type
   and x.dept_scope_value = y.dept_scope_value
   and coalesce(x.item_code_prefix, '') = coalesce(y.item_code_prefix, '')
   and x.adjustment_id < y.adjustment_id
   and x.effective_from <= {{ jx_open_end('y.effective_to') }}
   and y.effective_from <= {{ jx_open_end('x.effective_to') }}
