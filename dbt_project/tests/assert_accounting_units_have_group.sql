-- Every 核算单元 (accounting unit) belongs to a 核算分组; only grouping nodes may have none.
select perf_dept_code, perf_dept_name
from {{ ref('dim_department') }}
where is_accounting_unit and accounting_group is null
