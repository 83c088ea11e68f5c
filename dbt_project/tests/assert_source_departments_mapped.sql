-- Every department code in use today maps to a perf department (科室对照完整): active HIS departments,
-- finance leaf departments (postings go to leaves), all cost centres, HR orgs that hold staff, active
-- NIS wards. Grouping nodes of the finance and HR trees need no mapping. An unmapped code would
-- silently drop its revenue, cost or staff from every later layer.
with source_codes as (

    select 'his' as source_system, his_dept_code as source_dept_code from {{ ref('stg_his__departments') }}
    where not coalesce(is_disabled, false)
    union all
    select 'finance', finance_dept_code from {{ ref('stg_finance__departments') }}
    where is_leaf
    union all
    select 'cost', cost_centre_code from {{ ref('stg_cost__cost_centres') }}
    union all
    select distinct 'hr', hr_org_code from {{ ref('stg_hr__staff') }}
    where left_on is null or left_on >= current_date
    union all
    select 'beds', ward_code from {{ ref('stg_beds__wards') }}
    where coalesce(is_active, true)

),

mapped as (

    select source_system, source_dept_code
    from {{ ref('int_department__code_map') }}
    where current_date between effective_from and effective_to

)

select s.*
from source_codes as s
left join mapped as m
    on s.source_system = m.source_system
   and s.source_dept_code = m.source_dept_code
where m.source_dept_code is null
