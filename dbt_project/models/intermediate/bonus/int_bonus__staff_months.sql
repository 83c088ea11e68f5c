-- 在岗人员月度 for the bonus layer: one row per staff member × month employed (HR roster), with the
-- perf department (HR org → 科室对照 in force at month start), the 核算分组 the person counts in
-- (seed bonus_post_groups, else the department's own group), post coefficient (岗位系数) and
-- attendance (考勤: days attended, 应出勤天数 = attended + leave, night shifts). Grain: period × staff_id.
with months as (

    select distinct
        period,
        cast(period || '-01' as date) as month_start
    from {{ ref('fct_workload_points') }}

),

staff as (

    select staff_id, staff_name, hr_org_code, post_category, title, position, hired_on, left_on
    from {{ ref('stg_hr__staff') }}

),

employed as (

    select mo.period, mo.month_start, s.*
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

attendance as (

    select attendance_period as period, staff_id, attendance_days, leave_days, night_shifts
    from {{ ref('stg_hr__attendance') }}

),

final as (

    select
        e.period,
        e.staff_id,
        e.staff_name,
        e.perf_dept_code,
        d.perf_dept_name,
        d.dept_category,
        coalesce(pg.accounting_group, d.accounting_group) as accounting_group,
        e.post_category,
        e.title,
        e.position,
        cast(coalesce(pc.post_coefficient, 1) as decimal(9, 4)) as post_coefficient,
        cast(coalesce(a.attendance_days, 0) as decimal(18, 2)) as attendance_days,
        -- 应出勤天数 = 出勤 + 请假 as HR records them (a mid-month joiner's month starts on joining)
        cast(coalesce(a.attendance_days, 0) + coalesce(a.leave_days, 0) as decimal(18, 2)) as expected_days,
        cast(coalesce(a.night_shifts, 0) as integer) as night_shifts,
        cast(extract(day from e.month_start + interval '1 month' - interval '1 day') as integer) as days_in_month
    from mapped as e
    inner join {{ ref('dim_department') }} as d
        on d.perf_dept_code = e.perf_dept_code
    left join {{ ref('bonus_post_groups') }} as pg
        on pg.post_category = e.post_category
       and pg.dept_category = d.dept_category
    left join {{ ref('bonus_post_coefficients') }} as pc
        on pc.post_category = e.post_category
       and e.month_start between pc.effective_from and {{ jx_open_end('pc.effective_to') }}
    left join attendance as a
        on a.period = e.period
       and a.staff_id = e.staff_id

)

select * from final
