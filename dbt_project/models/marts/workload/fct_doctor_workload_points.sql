-- 医生工作量点数: staff member × month × role. The ordering role counts for the ordering doctor
-- (开单医生), every other role for the executor (执行人).
with line_points as (

    select * from {{ ref('fct_charge_line_points') }}
    where staff_id is not null

),

staff as (

    select staff_id, staff_name, staff_type from {{ ref('stg_his__staff') }}

),

totals as (

    select
        staff_id,
        period,
        role,
        perf_dept_code,
        cast(sum(points) as decimal(18, 4)) as points,
        count(distinct charge_line_id) as line_count,
        cast(sum(amount) as decimal(18, 2)) as amount
    from line_points
    group by staff_id, period, role, perf_dept_code

),

final as (

    select
        t.staff_id,
        s.staff_name,
        s.staff_type,
        t.period,
        t.role,
        t.perf_dept_code,
        t.points,
        t.line_count,
        t.amount
    from totals as t
    left join staff as s on s.staff_id = t.staff_id

)

select * from final
