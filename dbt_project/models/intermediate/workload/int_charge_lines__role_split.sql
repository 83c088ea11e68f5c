-- 点数分配: each charge line split into roles (开单/执行/护理/麻醉/手术室护理) by the ratios of its
-- split category in force on the charge date, each role attributed to a perf department.
-- Grain: one row per charge line × role.
with lines as (

    select * from {{ ref('int_charge_lines__enriched') }}

),

splits as (

    select
        split_category,
        role,
        ratio,
        effective_from,
        {{ jx_open_end('effective_to') }} as effective_to
    from {{ ref('point_split_ratios') }}

),

roles as (

    select role, attribution, fixed_perf_dept_code
    from {{ ref('point_roles') }}

),

final as (

    select
        l.*,
        s.role,
        s.ratio as split_ratio,
        case r.attribution
            when 'ordering_dept' then l.ordering_perf_dept_code
            when 'executing_dept' then l.executing_perf_dept_code
            when 'fixed_dept' then r.fixed_perf_dept_code
        end as perf_dept_code,
        case s.role when 'ordering' then l.ordering_doctor_id else l.executor_id end as staff_id
    from lines as l
    inner join splits as s
        on s.split_category = l.split_category
       and l.charged_on between s.effective_from and s.effective_to
    inner join roles as r
        on r.role = s.role

)

select * from final
