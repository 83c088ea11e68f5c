-- 科室工作量点数: perf department × month × role. The amount is that of the lines behind the points
-- (not split: a surgery line's amount appears under each of its roles).
with line_points as (

    select * from {{ ref('fct_charge_line_points') }}

),

final as (

    select
        perf_dept_code,
        period,
        role,
        cast(sum(points) as decimal(18, 4)) as points,
        count(distinct charge_line_id) as line_count,
        cast(sum(amount) as decimal(18, 2)) as amount,
        cast(sum(case when points_status = 'scored' then amount else 0 end) as decimal(18, 2)) as scored_amount
    from line_points
    group by perf_dept_code, period, role

)

select * from final
