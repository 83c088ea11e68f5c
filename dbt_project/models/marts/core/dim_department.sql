-- 绩效科室 / 核算单元: the hospital's department system (科室体系), one row per perf department.
with departments as (

    select * from {{ ref('perf_department') }}

),

final as (

    select
        d.perf_dept_code,
        d.perf_dept_name,
        d.dept_category,
        d.parent_dept_code,
        p.perf_dept_name as parent_dept_name,
        d.accounting_group,
        d.is_accounting_unit,
        d.effective_from,
        {{ jx_open_end('d.effective_to') }} as effective_to
    from departments as d
    left join departments as p
        on d.parent_dept_code = p.perf_dept_code

)

select * from final
