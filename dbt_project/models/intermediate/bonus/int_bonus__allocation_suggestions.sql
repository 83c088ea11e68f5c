-- 二次分配建议 per period × perf department × staff member (method: seed allocation_method in force):
--   dept_pool          = the department's bonus (int_bonus__dept_summary.dept_bonus)
--   management_amount  = allocate_cents(round(dept_pool × management_share, 2)) over the department's
--                        managers (职务 科主任/护士长), equal weights; 0 when it has none
--   attendance_coefficient = least(attendance_days / expected_days, 1) (出勤系数 = 出勤 / 应出勤; 0 without
--                        an attendance record)
--   points_factor      = (1 − points_weight) + points_weight × staff_points / mean staff points of the
--                        department (1 when nobody in it has points)
--   weight             = post_coefficient × attendance_coefficient × points_factor
--   suggested_amount   = management_amount + allocate_cents(dept_pool − management pool, weight)
-- so Σ suggested_amount = dept_pool to the cent. Grain: period × perf_dept_code × staff_id.
with staff as (

    select * from {{ ref('int_bonus__staff_months') }}

),

pools as (

    select period, perf_dept_code, dept_bonus as dept_pool
    from {{ ref('int_bonus__dept_summary') }}

),

method as (

    select * from {{ ref('allocation_method') }}

),

staff_points as (

    -- net points of the month; a net negative (refunds exceeding work) counts as 0, so no weight is < 0
    select staff_id, period, greatest(sum(points), 0) as staff_points
    from {{ ref('fct_doctor_workload_points') }}
    group by staff_id, period

),

people as (

    select
        s.period,
        s.perf_dept_code,
        s.perf_dept_name,
        s.staff_id,
        s.staff_name,
        s.post_category,
        s.title,
        s.position,
        s.attendance_days,
        s.days_in_month,
        s.post_coefficient,
        s.expected_days,
        cast(case when s.expected_days > 0 then least(s.attendance_days / s.expected_days, 1) else 0 end
             as decimal(9, 4)) as attendance_coefficient,
        cast(coalesce(sp.staff_points, 0) as decimal(18, 4)) as staff_points,
        coalesce(s.position in ('科主任', '护士长'), false) as is_manager,
        p.dept_pool,
        m.management_share,
        m.points_weight
    from staff as s
    inner join pools as p on p.period = s.period and p.perf_dept_code = s.perf_dept_code
    inner join method as m
        on cast(s.period || '-01' as date) between m.effective_from and {{ jx_open_end('m.effective_to') }}
    left join staff_points as sp on sp.staff_id = s.staff_id and sp.period = s.period

),

shaped as (

    select
        people.*,
        cast(case
            when avg(staff_points) over (partition by period, perf_dept_code) > 0
                then (1 - points_weight)
                     + points_weight * staff_points / avg(staff_points) over (partition by period, perf_dept_code)
            else 1
        end as decimal(9, 4)) as points_factor,
        cast(case
            when sum(case when is_manager then 1 else 0 end) over (partition by period, perf_dept_code) > 0
                then round(dept_pool * management_share, 2)
            else 0
        end as decimal(18, 2)) as management_pool
    from people

),

managers as (

    select period, perf_dept_code, staff_id, management_pool, cast(1 as decimal(18, 6)) as weight
    from shaped
    where is_manager

),

management_split as (

    {{ allocate_cents('managers', ['period', 'perf_dept_code'], 'staff_id', 'management_pool', 'weight') | indent(4) }}

),

rest as (

    select
        period,
        perf_dept_code,
        staff_id,
        cast(dept_pool - management_pool as decimal(18, 2)) as rest_pool,
        cast(post_coefficient * attendance_coefficient * points_factor as decimal(18, 6)) as weight
    from shaped

),

rest_split as (

    {{ allocate_cents('rest', ['period', 'perf_dept_code'], 'staff_id', 'rest_pool', 'weight') | indent(4) }}

),

final as (

    select
        s.period,
        s.perf_dept_code,
        s.perf_dept_name,
        s.staff_id,
        s.staff_name,
        s.post_category,
        s.title,
        s.position,
        s.attendance_days,
        s.days_in_month,
        s.expected_days,
        s.post_coefficient,
        s.attendance_coefficient,
        s.staff_points,
        s.points_factor,
        s.is_manager,
        cast(coalesce(ms.allocated_amount, 0) as decimal(18, 2)) as management_amount,
        cast(coalesce(ms.allocated_amount, 0) + r.allocated_amount as decimal(18, 2)) as suggested_amount,
        s.dept_pool
    from shaped as s
    inner join rest_split as r
        on r.period = s.period and r.perf_dept_code = s.perf_dept_code and r.staff_id = s.staff_id
    left join management_split as ms
        on ms.period = s.period and ms.perf_dept_code = s.perf_dept_code and ms.staff_id = s.staff_id

)

select * from final
