-- 人员指标 per perf department × month, from the HR roster (HR org → perf department, as of month end).
-- Grain: perf_dept_code × period × metric_code (long).
--   staff_headcount 在岗人数 = staff employed on any day of the month (hired_on ≤ month end and not
--     left before the month start)
--   tcm_physician_share 中医类别执业医师占比 = TCM-licensed physicians / physicians (post 医生)
with months as (

    select distinct
        period,
        cast(period || '-01' as date) as month_start
    from {{ ref('int_dept_metrics__inpatient') }}

),

staff as (

    select staff_id, hr_org_code, post_category, is_tcm_physician, hired_on, left_on
    from {{ ref('stg_hr__staff') }}

),

employed as (

    select
        mo.period,
        mo.month_start,
        s.staff_id,
        s.hr_org_code,
        s.post_category,
        s.is_tcm_physician
    from months as mo
    inner join staff as s
        on s.hired_on < mo.month_start + interval '1 month'
       and (s.left_on is null or s.left_on >= mo.month_start)

),

mapped as (

    select e.*, m.perf_dept_code
    from employed as e
    {{ perf_dept_join('hr', 'e.hr_org_code', 'e.month_start', 'm') }}

),

totals as (

    select
        perf_dept_code,
        period,
        count(*) as headcount,
        sum(case when post_category = '医生' then 1 else 0 end) as physicians,
        sum(case when post_category = '医生' and is_tcm_physician then 1 else 0 end) as tcm_physicians
    from mapped
    group by perf_dept_code, period

),

long as (

    select perf_dept_code, period, 'staff_headcount' as metric_code,
           cast(headcount as decimal(18, 4)) as numerator, cast(null as decimal(18, 4)) as denominator
    from totals
    union all
    select perf_dept_code, period, 'tcm_physician_share', tcm_physicians, physicians
    from totals
    where physicians > 0

),

final as (

    {{ metric_columns('long') }}

)

select * from final
